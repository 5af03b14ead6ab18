package httpapi

import (
	"context"
	"fmt"

	otelgraphql "github.com/graph-gophers/graphql-go/trace/otel"
	otelattr "go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/chancery/chancery/schema"
)

// Tracing sends OpenTelemetry traces of requests and resolvers to an OTLP
// collector over HTTP: one server span a request, joined to the caller's
// trace when it sends a traceparent header, a span for the GraphQL request
// and its validation, and one for each resolver that does work. The
// Handler opens the server spans (HandlerOptions.Tracing) and the schema
// the others (schema.New with WithTracing), so both are given the same
// Tracing. It sets no process-wide state, so each Tracing is independent.
type Tracing struct {
	provider   *sdktrace.TracerProvider
	tracer     oteltrace.Tracer
	propagator propagation.TextMapPropagator
}

// TracingOptions configure StartTracing.
type TracingOptions struct {
	// Endpoint is the URL traces are posted to, such as
	// http://localhost:4318/v1/traces.
	Endpoint string
	// ServiceVersion is given to the collector with the service name
	// (chancery, unless OTEL_SERVICE_NAME says otherwise).
	ServiceVersion string
}

// StartTracing starts exporting traces. The standard OTEL_ environment
// variables other than the endpoint still apply: OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_TRACES_SAMPLER and its argument. Call Shutdown to send what is
// still buffered.
func StartTracing(ctx context.Context, opts TracingOptions) (*Tracing, error) {
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(opts.Endpoint))
	if err != nil {
		return nil, fmt.Errorf("trace to %s: %w", opts.Endpoint, err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(
			otelattr.String("service.name", "chancery"),
			otelattr.String("service.version", opts.ServiceVersion)),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("describe this service for tracing: %w", err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	return &Tracing{
		provider:   provider,
		tracer:     provider.Tracer("github.com/chancery/chancery/schema"),
		propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
}

// Shutdown sends the spans still buffered and stops exporting.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("send the last traces: %w", err)
	}
	return nil
}

// WithTracing is the schema.Option that traces the resolvers of a Schema
// with t, within the spans of the requests that a Handler given the same
// Tracing serves. A nil t traces nothing.
func WithTracing(t *Tracing) schema.Option {
	if t == nil {
		return schema.WithTracer(nil)
	}
	return schema.WithTracer(&otelgraphql.Tracer{Tracer: t.tracer})
}
