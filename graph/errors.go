package graph

import (
	"errors"
	"fmt"
)

// Error codes. Transport layers map them to their own status values; nothing
// else should interpret them.
const (
	EINVALID      = "invalid"      // the caller sent something malformed or impossible
	ENOTFOUND     = "not_found"    // the named thing does not exist
	ECONFLICT     = "conflict"     // the request clashes with what is stored
	EUNAUTHORIZED = "unauthorized" // the caller may not do this
	EINTERNAL     = "internal"     // something failed on our side
	EUNAVAILABLE  = "unavailable"  // it cannot be done now (the disk is nearly full); try again later
)

// Error is an error a user can act on: a code for programs and a message,
// written for people, that says what was wrong and what to do.
type Error struct {
	Code    string
	Message string
}

// Error returns the message, prefixed by the code for log readers.
func (e *Error) Error() string {
	return fmt.Sprintf("chancery: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of the first *Error in err's chain, and a
// generic message for any other error so that internals never leak to users.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error; the server log has the details"
	}
}

// IsNotFound reports whether err carries the not_found code.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }

// The parts of a Batch an ItemError may name, as its fields are called.
const (
	BatchEntities        = "Entities"
	BatchRelations       = "Relations"
	BatchDeleteRelations = "DeleteRelations"
	BatchDeleteEntities  = "DeleteEntities"
)

// ItemError says which item of a Batch an error is about: the part of the
// batch (BatchEntities...), the item's index in it and its id (for a
// relation to add, the id derived from what it states). It only locates
// Err: its code, message and Error are Err's, so that a write of one item
// reads as before, and a caller that lists many items can say which
// failed.
type ItemError struct {
	Part  string
	Index int
	ID    string
	Err   error
}

func (e *ItemError) Error() string { return e.Err.Error() }

// Unwrap returns the error located.
func (e *ItemError) Unwrap() error { return e.Err }
