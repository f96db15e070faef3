package sqlstore

import (
	"context"

	"github.com/mlops/modelwatch/pkg/store"
)

// DistributionSQL exposes the statement Distribution runs, for tests that inspect its plan.
func DistributionSQL(ctx context.Context, s *Store, req store.DistributionRequest) (string, []any, error) {
	b, _, err := s.distributionStatement(ctx, req)
	if err != nil {
		return "", nil, err
	}
	return b.String(), b.args, nil
}
