package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Route is an ingest route of the data source.
type Route string

const (
	// Predictions takes prediction rows; a prediction_id already stored is skipped.
	Predictions Route = "predictions"
	// Labels takes late labels and outcomes.
	Labels Route = "labels"
)

// Retry timing: exponential backoff from FirstBackoff, doubling to MaxBackoff, with jitter;
// a 429's Retry-After is honoured up to MaxRetryAfter.
const (
	FirstBackoff  = 500 * time.Millisecond
	MaxBackoff    = 30 * time.Second
	MaxRetryAfter = 60 * time.Second
)

// maxReply is the most of a reply's body read: replies are small JSON objects.
const maxReply = 1 << 20

// Client sends batches to a data source's ingest routes through Grafana's HTTP API.
type Client struct {
	grafana    *url.URL
	token      string
	datasource string
	http       *http.Client
	retries    int

	// Sleep waits d or until ctx ends; tests replace it so that they do not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1); tests fix it.
	Jitter func() float64
}

var uidPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// NewClient checks Grafana's URL (http or https, no credentials, query or fragment), the
// token and the data source's uid (as Grafana writes uids: letters, digits, - and _, at most
// 40). Errors never hold the token.
func NewClient(grafana, token, datasource string, retries int, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(grafana)
	switch {
	case grafana == "":
		return nil, errors.New("--grafana is required: Grafana's root URL, like https://grafana.example.com")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("--grafana %s is not an http or https URL: write Grafana's root URL, like https://grafana.example.com", cut(grafana))
	case u.User != nil:
		return nil, errors.New("--grafana holds credentials: give Grafana's URL without them and a service account token with --token or MODELWATCH_GRAFANA_TOKEN")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("--grafana %s has a query or fragment: write Grafana's root URL only, like https://grafana.example.com", cut(grafana))
	}
	if token == "" {
		return nil, errors.New("no token: set MODELWATCH_GRAFANA_TOKEN (or --token) to a token of a service account with the Editor role")
	}
	if strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, errors.New("the token holds a space or control character: copy the service account token whole, nothing around it")
	}
	if !uidPattern.MatchString(datasource) {
		return nil, fmt.Errorf("--datasource %s is not a data source uid: letters, digits, - and _, at most 40 (the uid in the data source's URL, .../datasources/edit/UID)", cut(datasource))
	}
	if retries < 0 {
		return nil, fmt.Errorf("--retries %d: give 0 or more", retries)
	}
	if timeout <= 0 {
		return nil, fmt.Errorf("--timeout %s: give a positive duration, like 60s", timeout)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	return &Client{
		grafana: u, token: token, datasource: datasource, retries: retries,
		http: &http.Client{
			Transport: transport,
			Timeout:   timeout,
			// A redirected POST becomes a GET or loses its body: tell the user the right URL.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		Sleep:  sleep,
		Jitter: rand.Float64,
	}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Result is the server's count for one batch.
type Result struct {
	Rows     int `json:"rows"`
	Inserted int `json:"inserted"`
	Skipped  int `json:"skipped"`
	Labels   int `json:"labels"`
}

// Reason is one row's fault in a refused batch; Line is a line of the batch's body.
type Reason struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// RefusedError is a batch the data source refused whole (400): sending it again cannot help.
type RefusedError struct {
	Message string
	Reasons []Reason
}

func (e *RefusedError) Error() string { return "the data source refused the batch: " + e.Message }

// ErrTooLarge is a batch over the data source's limit (413): a smaller one may pass.
var ErrTooLarge = errors.New("the batch is over the data source's size limit (413)")

// ErrGaveUp is returned when a batch failed on every attempt (5xx, 429, network errors).
var ErrGaveUp = errors.New("gave up")

// Send posts one gzipped batch to route, retrying 429, 5xx and network errors (telling
// onRetry, if not nil, why and how long it waits). It returns the number of retries made, also
// with an error.
func (c *Client) Send(ctx context.Context, route Route, format Format, gzipped []byte, onRetry func(why string, wait time.Duration)) (Result, int, error) {
	for attempt := 0; ; attempt++ {
		res, wait, why, err := c.attempt(ctx, route, format, gzipped, attempt)
		if err != nil || why == "" {
			return res, attempt, err
		}
		if attempt >= c.retries {
			return Result{}, attempt, fmt.Errorf("%w after %d attempts (--retries %d): %s", ErrGaveUp, attempt+1, c.retries, why)
		}
		if onRetry != nil {
			onRetry(why, wait)
		}
		if err := c.Sleep(ctx, wait); err != nil {
			return Result{}, attempt, err
		}
	}
}

// attempt sends once: a result, or an error not to retry, or why to retry and after how long.
func (c *Client) attempt(ctx context.Context, route Route, format Format, gzipped []byte, n int) (Result, time.Duration, string, error) {
	resp, err := c.post(ctx, route, format, gzipped)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, 0, "", ctx.Err()
		}
		return Result{}, c.backoff(n), "cannot reach Grafana: " + c.scrub(err.Error()), nil
	}
	defer resp.Body.Close() //nolint:errcheck // read whole below; nothing to lose
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return Result{}, c.backoff(n), "reading Grafana's reply: " + c.scrub(err.Error()), nil
	}
	body = []byte(c.scrub(string(body)))
	status := resp.StatusCode
	switch {
	case status >= 200 && status < 300:
		var res Result
		if err := json.Unmarshal(body, &res); err != nil {
			return Result{}, 0, "", fmt.Errorf("%s answered %d with %s, not the data source's JSON count of rows: is --grafana Grafana's root URL?", c.grafana.Redacted(), status, cut(string(body)))
		}
		return res, 0, "", nil
	case status == http.StatusTooManyRequests:
		return Result{}, c.retryAfter(resp.Header.Get("Retry-After"), n), "429 too many requests" + detail(body), nil
	case status >= 500, status == http.StatusRequestTimeout:
		// 408: a proxy gave up waiting for the request; the batch can be sent again as it is.
		return Result{}, c.backoff(n), fmt.Sprintf("%d %s%s", status, http.StatusText(status), detail(body)), nil
	}
	return Result{}, 0, "", c.refusal(resp, body)
}

func (c *Client) post(ctx context.Context, route Route, format Format, gzipped []byte) (*http.Response, error) {
	u := c.grafana.JoinPath("api", "datasources", "uid", c.datasource, "resources", string(route))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(gzipped))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", format.ContentType())
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "modelwatch-push")
	return c.http.Do(req)
}

// refusal is the error for a reply that no retry can change, with what to do about it.
func (c *Client) refusal(resp *http.Response, body []byte) error {
	status := resp.StatusCode
	switch status {
	case http.StatusBadRequest:
		var reply struct {
			Error   string   `json:"error"`
			Reasons []Reason `json:"reasons"`
		}
		if err := json.Unmarshal(body, &reply); err != nil || reply.Error == "" {
			reply.Error = "400 " + cut(string(body))
		}
		return &RefusedError{Message: reply.Error, Reasons: reply.Reasons}
	case http.StatusRequestEntityTooLarge:
		return fmt.Errorf("%w%s", ErrTooLarge, detail(body))
	case http.StatusUnauthorized:
		return fmt.Errorf("the token was refused (401 from Grafana)%s: use a current token of a service account with the Editor role "+
			"(Administration > Users and access > Service accounts), in MODELWATCH_GRAFANA_TOKEN", detail(body))
	case http.StatusForbidden:
		return fmt.Errorf("the request was refused (403 from Grafana)%s: the token's service account needs the Editor role (Viewers cannot write), "+
			"and access to data source %s", detail(body), c.datasource)
	case http.StatusNotFound:
		return fmt.Errorf("no such data source or ingest route (404 from Grafana)%s: either no data source has uid %s (check --datasource), or ingest is not enabled on it "+
			"(enable it in the data source's settings)", detail(body), c.datasource)
	}
	if status >= 300 && status < 400 {
		return fmt.Errorf("the request was redirected (%d from Grafana) to %s: give that address's root as --grafana",
			status, cut(c.scrub(resp.Header.Get("Location"))))
	}
	return fmt.Errorf("unexpected reply %d %s from Grafana%s", status, http.StatusText(status), detail(body))
}

// scrub replaces the token in a text from outside (a reply, a network error), should a server
// or proxy echo it: the token is never printed. A token too short to be a real one is left (it
// would garble the text; Grafana's tokens are long).
func (c *Client) scrub(s string) string {
	if len(c.token) < 8 {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[token]")
}

// detail is the error a reply's body states, for a message: its "error" or "message" field,
// or the body's start.
func detail(body []byte) string {
	var reply struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &reply)
	switch {
	case reply.Error != "":
		return ": " + cutPlain(reply.Error)
	case reply.Message != "":
		return ": " + cutPlain(reply.Message)
	case len(bytes.TrimSpace(body)) > 0:
		return ": " + cut(string(bytes.TrimSpace(body)))
	}
	return ""
}

// backoff is the wait before retry n+1: FirstBackoff doubling to MaxBackoff, each wait drawn
// between half and all of that (jitter keeps many pushers from retrying in step).
func (c *Client) backoff(n int) time.Duration {
	d := MaxBackoff
	if n < 16 {
		d = min(MaxBackoff, FirstBackoff<<n)
	}
	return d/2 + time.Duration(c.Jitter()*float64(d/2))
}

// retryAfter is a 429's wait: its Retry-After in seconds (or as an HTTP date), at most
// MaxRetryAfter; the backoff when it has none.
func (c *Client) retryAfter(h string, n int) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return min(MaxRetryAfter, time.Duration(s)*time.Second)
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(MaxRetryAfter, max(0, time.Until(t)))
	}
	return c.backoff(n)
}

func cutPlain(s string) string {
	const most = 200
	if len(s) <= most {
		return s
	}
	return s[:most] + fmt.Sprintf("... (%d bytes)", len(s))
}
