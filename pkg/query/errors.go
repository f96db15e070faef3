package query

import "errors"

// ErrInvalidQuery marks every validation failure; the message says what is wrong and what would
// be right. The plugin layer reports these as downstream (user) errors.
var ErrInvalidQuery = errors.New("invalid query")
