package plugin

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"golang.org/x/time/rate"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// The write routes: POST /predictions and POST /labels. Grafana forwards any signed-in caller
// with query rights to a resource route, so each request is checked here, cheapest first:
// ingest enabled (404), a signed-in caller (401) of the configured role (403), the data
// source's batch rate (429), the media type (415), the body's size before and after
// decompression (413), the rows' rate (429), then the rows themselves (400, every bad value
// listed) and the store (503 while it cannot be opened). A batch is written whole in one
// transaction or not at all; rows whose prediction_id is stored are skipped, so a retried
// batch adds nothing. 4xx: do not send the same batch again; 5xx: retry it.

// ingestGate holds a data source's write rates.
type ingestGate struct {
	rows, batches *rate.Limiter
}

func newIngestGate(cfg settings.Ingest) *ingestGate {
	return &ingestGate{
		// A full batch (its header line counted) always fits the bucket: a rate below the batch
		// size slows batches down, it never refuses them for good.
		rows:    rate.NewLimiter(rate.Limit(cfg.RowRate()), max(cfg.RowRate(), cfg.BatchRows()+1)),
		batches: rate.NewLimiter(rate.Limit(cfg.BatchRate()), cfg.BatchRate()),
	}
}

// admit takes n tokens now or says how long until they would be there.
func admit(l *rate.Limiter, n int) time.Duration {
	r := l.ReserveN(time.Now(), n)
	if !r.OK() {
		return time.Duration(math.MaxInt64)
	}
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d
	}
	return 0
}

// roleRank orders Grafana's org roles ("None" and unknown roles rank lowest).
var roleRank = map[string]int{"Viewer": 1, "Editor": 2, "Admin": 3}

// ingestReply is a write route's JSON answer to a batch it wrote.
type ingestReply struct {
	Rows     int64  `json:"rows"`
	Inserted *int64 `json:"inserted,omitempty"`
	Skipped  *int64 `json:"skipped,omitempty"`
	Labels   *int   `json:"labels,omitempty"`
}

// refusalReply is a write route's JSON answer to a batch it refused.
type refusalReply struct {
	Error   string            `json:"error"`
	Reasons []ingest.RowError `json:"reasons,omitempty"`
}

// ingestError is a refused write: its status, message, reasons and when to retry.
type ingestError struct {
	status     int
	message    string
	reasons    []ingest.RowError
	retryAfter time.Duration
}

func (e *ingestError) Error() string { return e.message }

func refuse(status int, format string, args ...any) *ingestError {
	return &ingestError{status: status, message: fmt.Sprintf(format, args...)}
}

// batch is a checked write request: its rows' format and its body, decompressed.
type batch struct {
	format ingest.Format
	body   []byte
}

func (d *Datasource) ingestRoute(write func(context.Context, *duckdb.Writer, batch) (ingestReply, []store.Written, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reply, err := d.ingestRequest(r, write)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			var ie *ingestError
			if !errors.As(err, &ie) {
				ie = d.writeFailure(err)
			}
			if ie.retryAfter > 0 {
				w.Header().Set("Retry-After", strconv.FormatInt(int64(math.Ceil(ie.retryAfter.Seconds())), 10))
			}
			w.WriteHeader(ie.status)
			writeJSON(w, refusalReply{Error: ie.message, Reasons: ie.reasons})
			return
		}
		writeJSON(w, reply)
	}
}

func (d *Datasource) ingestRequest(r *http.Request, write func(context.Context, *duckdb.Writer, batch) (ingestReply, []store.Written, error)) (ingestReply, error) {
	cfg := d.settings.Ingest
	if !cfg.Enabled {
		return ingestReply{}, refuse(http.StatusNotFound, "ingest is not enabled on this data source: an administrator turns it on in the data source's settings (Ingest)")
	}
	if err := checkWriter(backend.UserFromContext(r.Context()), cfg.WriterRole()); err != nil {
		return ingestReply{}, err
	}
	if wait := admit(d.gate.batches, 1); wait > 0 {
		return ingestReply{}, &ingestError{status: http.StatusTooManyRequests, retryAfter: wait,
			message: fmt.Sprintf("more than %d requests per second to this data source: send the batch again after Retry-After, or send larger batches", cfg.BatchRate())}
	}
	b, err := readBatch(r, cfg.BodyBytes())
	if err != nil {
		return ingestReply{}, err
	}
	if rows := max(bytes.Count(b.body, []byte{'\n'}), 1); rows <= cfg.BatchRows()+1 {
		if wait := admit(d.gate.rows, rows); wait > 0 {
			return ingestReply{}, &ingestError{status: http.StatusTooManyRequests, retryAfter: wait,
				message: fmt.Sprintf("more than %d rows per second to this data source: send the batch again after Retry-After", cfg.RowRate())}
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), d.settings.Limits.Timeout())
	defer cancel()
	wr, err := d.writer()
	if err != nil {
		return ingestReply{}, err
	}
	reply, written, err := write(ctx, wr, b)
	if err != nil {
		return ingestReply{}, err
	}
	d.wrote(written)
	return reply, nil
}

// checkWriter admits a signed-in caller (a user or a service account) of at least role. Grafana
// sends no user, or one without a login, for an anonymous visitor.
func checkWriter(u *backend.User, role string) error {
	if u == nil || u.Login == "" {
		return refuse(http.StatusUnauthorized, "writes need a signed-in caller: send a service account token (Authorization: Bearer ...) of an %s or higher", role)
	}
	if roleRank[u.Role] < roleRank[role] {
		return refuse(http.StatusForbidden, "writing predictions needs the %s role or higher in this organization; the caller is %s", role, orNone(u.Role))
	}
	return nil
}

func orNone(role string) string {
	if role == "" {
		return "None"
	}
	return role
}

// readBatch checks the media type and reads the body, decompressed, within limit bytes.
func readBatch(r *http.Request, limit int64) (batch, error) {
	var b batch
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return b, refuse(http.StatusUnsupportedMediaType, "Content-Type is missing or unreadable: send text/csv (with a header line) or application/x-ndjson (JSON lines)")
	case media == "text/csv":
		b.format = ingest.FormatCSV
	case media == "application/x-ndjson", media == "application/jsonl", media == "application/json-lines", media == "application/json":
		b.format = ingest.FormatJSONLines
	default:
		return b, refuse(http.StatusUnsupportedMediaType, "Content-Type %s is not accepted: send text/csv (with a header line) or application/x-ndjson (JSON lines)", cutValue(media))
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return b, refuse(http.StatusBadRequest, "reading the body: %v", err)
	}
	if int64(len(raw)) > limit {
		return b, refuse(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes (maxBodyBytes): send fewer rows per request", limit)
	}
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	gzipped := len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b
	switch {
	case enc == "gzip" || (enc == "" && gzipped):
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return b, refuse(http.StatusBadRequest, "the body is not readable gzip: %v", err)
		}
		// A small body can inflate a thousandfold: decompress only up to the limit.
		b.body, err = io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return b, refuse(http.StatusBadRequest, "the body is not readable gzip: %v", err)
		}
		if int64(len(b.body)) > limit {
			return b, refuse(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes (maxBodyBytes) once decompressed: send fewer rows per request", limit)
		}
	case enc == "" || enc == "identity":
		b.body = raw
	default:
		return b, refuse(http.StatusUnsupportedMediaType, "Content-Encoding %s is not accepted: send gzip or no encoding", cutValue(enc))
	}
	return b, nil
}

func cutValue(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return strconv.Quote(s)
}

// writeFailure gives a write's error its status: the input's faults are 4xx (do not retry),
// the store's are 5xx (retry).
func (d *Datasource) writeFailure(err error) *ingestError {
	switch {
	case errors.Is(err, ingest.ErrTooLarge):
		return &ingestError{status: http.StatusRequestEntityTooLarge, message: d.redact(err.Error())}
	case errors.Is(err, ingest.ErrInvalid), errors.Is(err, store.ErrDuplicateID), errors.Is(err, store.ErrSchema):
		reasons := ingest.Reasons(err)
		msg := err.Error()
		if len(reasons) > 1 {
			msg = fmt.Sprintf("%d values are wrong (listed in reasons): nothing of the batch was written", len(reasons))
		}
		return &ingestError{status: http.StatusBadRequest, message: d.redact(msg), reasons: reasons}
	case errors.Is(err, settings.ErrSettings):
		return &ingestError{status: http.StatusInternalServerError, message: "the data source's settings are invalid: an administrator can see why with the data source's Save & test (health check)"}
	case errors.Is(err, store.ErrUnavailable):
		return &ingestError{status: http.StatusServiceUnavailable, retryAfter: 5 * time.Second,
			message: "the data source cannot open its prediction store for writing: send the batch again later (an administrator can see why with Save & test)"}
	case errors.Is(err, context.DeadlineExceeded):
		return &ingestError{status: http.StatusServiceUnavailable, retryAfter: time.Second,
			message: fmt.Sprintf("the write did not finish within the query timeout (%s); nothing was written: send the batch again", d.settings.Limits.Timeout())}
	case errors.Is(err, context.Canceled):
		return &ingestError{status: http.StatusServiceUnavailable, message: "the write was cancelled before it finished; nothing was written"}
	}
	logger.Error("write failed", "error", cut(err.Error()))
	return &ingestError{status: http.StatusInternalServerError, message: d.redact("the store failed to write the batch; nothing was written: send it again (" + err.Error() + ")")}
}

// writePredictions loads a batch of predictions.
func (d *Datasource) writePredictions(ctx context.Context, w *duckdb.Writer, b batch) (ingestReply, []store.Written, error) {
	res, err := ingest.LoadBatch(ctx, w, "body", b.format, b.body, d.settings.Ingest.BatchRows())
	if err != nil {
		return ingestReply{}, nil, err
	}
	return ingestReply{Rows: res.Read, Inserted: &res.Inserted, Skipped: &res.Skipped}, res.Written, nil
}

// writeLabels loads a batch of late labels and outcomes into the data source's labels table.
func (d *Datasource) writeLabels(ctx context.Context, w *duckdb.Writer, b batch) (ingestReply, []store.Written, error) {
	if d.settings.LabelsTable == "" {
		return ingestReply{}, nil, refuse(http.StatusConflict, "this data source has no labels table: an administrator sets one (labelsTable) in its settings so that queries read the labels")
	}
	res, err := ingest.LoadLabelsBatch(ctx, w, d.settings.LabelsTable, "body", b.format, b.body, d.settings.Ingest.BatchRows(), time.Now())
	if err != nil {
		return ingestReply{}, nil, err
	}
	stored := int(res.Stored)
	return ingestReply{Rows: int64(res.Labels), Labels: &stored, Skipped: &res.Skipped}, res.Written, nil
}
