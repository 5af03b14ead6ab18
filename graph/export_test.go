package graph

import "context"

// PathsBySearch is Paths without the paths that indexes list: the search
// alone, the reference its shortcuts are held to.
var PathsBySearch = func(ctx context.Context, r Reader, q PathQuery) ([]Path, error) {
	return findPaths(ctx, r, q, false)
}
