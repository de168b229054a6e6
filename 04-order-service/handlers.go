package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/health"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
)

const (
	// pingTimeout bounds the health check's PING.
	pingTimeout = 1 * time.Second
	// retryAfter is the Retry-After of a 503, in seconds.
	retryAfter = 1
)

// service holds what the handlers share.
type service struct {
	redis          redis.UniversalClient
	orders         orderPublisher // adds orders without an Idempotency-Key
	maxLen         int64
	idempotencyTTL time.Duration
	log            *slog.Logger

	out *cli.Lines // handlers run concurrently; one line at a time

	// What became of the orders: for /stats, /metrics and the last log line.
	accepted, replayed, rejected, keyReused, failed, unknown atomic.Int64

	probes   health.Probes        // /livez, /readyz
	registry *prometheus.Registry // /metrics
}

// newService builds the service. Its publisher runs until ctx is done, which
// must come after the HTTP server has finished its requests.
func newService(ctx context.Context, client redis.UniversalClient, cfg config, stdout io.Writer, log *slog.Logger) *service {
	batching := newBatchingPublisher(client, cfg.maxLen)
	go batching.run(ctx)
	s := &service{redis: client, orders: batching, maxLen: cfg.maxLen, idempotencyTTL: cfg.idempotencyTTL,
		out: cli.NewLines(stdout), log: log}
	s.probes.Ready(s.redisAnswers)
	s.probes.LogChanges(log)
	s.registry = metrics.NewRegistry(client)
	s.registry.MustRegister(s.collectors()...)
	return s
}

// handleOrderQuery is the tutorial's endpoint, GET /order?userId=&productId=&price=,
// answering "ok" as the Spring controller does. Errors are plain text.
func (s *service) handleOrderQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	userID, productID, price := q.Get("userId"), q.Get("productId"), q.Get("price")
	if err := events.ValidateOrder(userID, productID, price); err != nil {
		s.rejected.Add(1)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := s.placeOrder(r.Context(), "", newOrder(userID, productID, price)); err != nil {
		f := failureOf(err)
		setRetryAfter(w, f.status)
		http.Error(w, f.message, f.status)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok")
}

// orderRequest is the body of POST /orders.
type orderRequest struct {
	UserID    string    `json:"userId"`
	ProductID string    `json:"productId"`
	Price     jsonPrice `json:"price"`
}

// handleOrderJSON is POST /orders: a JSON order in, 201 and its IDs out.
func (s *service) handleOrderJSON(w http.ResponseWriter, r *http.Request) {
	// Validate: nothing is published unless the whole request is good.
	req, status, err := decodeOrder(w, r)
	if err == nil {
		err = events.ValidateOrder(req.UserID, req.ProductID, string(req.Price))
	}
	var key string
	if err == nil {
		key, err = idempotencyKey(r.Header)
	}
	if err != nil {
		s.rejected.Add(1)
		if status == 0 {
			status = http.StatusBadRequest
		}
		httpserve.Error(w, status, err.Error())
		return
	}

	// Publish.
	order := newOrder(req.UserID, req.ProductID, string(req.Price))
	placed, err := s.placeOrder(r.Context(), key, order)
	if err != nil {
		f := failureOf(err)
		setRetryAfter(w, f.status)
		if f.status == http.StatusGatewayTimeout {
			// The orderId it has if it was written, for the client's records.
			httpserve.JSON(w, f.status, map[string]string{"outcome": "unknown", "orderId": order.OrderID,
				"error": f.message + "; retry with the same Idempotency-Key"})
			return
		}
		httpserve.Error(w, f.status, f.message)
		return
	}
	// Answer: the order is in the stream.
	if placed.replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	httpserve.JSON(w, http.StatusCreated, struct {
		OrderID string `json:"orderId"`
		EntryID string `json:"entryId"`
	}{placed.order.OrderID, placed.entryID})
}

// setRetryAfter tells the client of a 503 when to try again: the order is
// certainly not in the stream.
func setRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
}

// idempotencyKey reads the Idempotency-Key header: "" when there is none.
func idempotencyKey(h http.Header) (string, error) {
	values := h.Values("Idempotency-Key")
	if len(values) == 0 {
		return "", nil
	}
	key := values[0]
	ok := len(values) == 1 && len(key) >= 1 && len(key) <= maxIdempotencyKeyLen
	for i := 0; ok && i < len(key); i++ {
		ok = '!' <= key[i] && key[i] <= '~' // printable ASCII, no space
	}
	if !ok {
		return "", fmt.Errorf("Idempotency-Key must be one value of 1 to %d printable ASCII characters, without spaces", maxIdempotencyKeyLen)
	}
	return key, nil
}

// decodeOrder reads exactly one JSON object, with no unknown, repeated or
// miscased keys, from a body of at most httpserve.MaxBodyBytes. On error,
// status is the HTTP status to answer.
func decodeOrder(w http.ResponseWriter, r *http.Request) (req orderRequest, status int, err error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		return req, http.StatusUnsupportedMediaType, errors.New("Content-Type must be application/json")
	}
	// httpserve.New sets the same limit; this keeps the handler safe on its own.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpserve.MaxBodyBytes))
	if err != nil {
		return req, bodyStatus(err), bodyError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return req, bodyStatus(err), bodyError(err)
	}
	// A second value, or anything but white space, after the object is refused.
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return req, http.StatusBadRequest, errors.New("the body must hold one JSON object and nothing after it")
	}
	if err := checkKeys(body); err != nil {
		return req, http.StatusBadRequest, err
	}
	return req, 0, nil
}

// checkKeys refuses the keys encoding/json lets through: it matches keys
// case-insensitively ("USERID" fills userId) and keeps the last of repeated
// ones. body is one valid JSON object.
func checkKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.Token() // {
	seen := map[string]bool{}
	for dec.More() {
		token, err := dec.Token()
		key, _ := token.(string)
		switch {
		case err != nil:
			return err
		case key != "userId" && key != "productId" && key != "price":
			return fmt.Errorf("unknown field %q: send only userId, productId and price", key)
		case seen[key]:
			return fmt.Errorf("field %q appears twice", key)
		}
		seen[key] = true
		if err := dec.Decode(&json.RawMessage{}); err != nil {
			return err
		}
	}
	return nil
}

func isTooLarge(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

func bodyStatus(err error) int {
	if isTooLarge(err) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// bodyError turns a decoding error into a one-line message for the client.
func bodyError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case isTooLarge(err):
		return fmt.Errorf("the body is larger than %d bytes", httpserve.MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return errors.New("the body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the body is not valid JSON: it ends too soon")
	case errors.As(err, &syntax):
		return fmt.Errorf("the body is not valid JSON: %s at byte %d", strings.TrimPrefix(syntax.Error(), "json: "), syntax.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return errors.New("the body must be a JSON object")
	case errors.As(err, &typ):
		return fmt.Errorf("%s must be a string", typ.Field)
	}
	return err
}

// jsonPrice is the JSON price: a string ("12.50") or a number (12.50). Either
// way it keeps the text as written, so 12.50 stays "12.50" and never goes
// through a float64. events.ValidateOrder then checks its format.
type jsonPrice string

func (p *jsonPrice) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil // as if absent: "price is required"
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = jsonPrice(s)
	case b[0] == '-' || ('0' <= b[0] && b[0] <= '9'):
		*p = jsonPrice(b)
	default:
		return errors.New("price must be a string or a number")
	}
	return nil
}

// redisAnswers is the readiness check: Redis answers a PING, and /readyz
// says what is wrong in the consumers' words. /livez has no check: the
// process works when it answers at all.
func (s *service) redisAnswers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	return redisconn.Answers(ctx, s.redis, func(err error) { s.log.Debug("/readyz: PING failed", "err", err) })
}

// collectors are the order counters for /metrics, by outcome; the label
// values are fixed, never an order's own.
func (s *service) collectors() []prometheus.Collector {
	counter := func(name, help string, v *atomic.Int64, labels prometheus.Labels) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return float64(v.Load()) })
	}
	const rejected = "Orders refused with a 4xx, by reason; nothing published."
	const failed = "Valid orders that Redis failed, by reason: not_published (503) or outcome_unknown (504)."
	return []prometheus.Collector{
		counter("orders_accepted_total", "Orders published to the stream (201).", &s.accepted, nil),
		counter("orders_replayed_total", "Retries with a known Idempotency-Key, answered without a new entry.", &s.replayed, nil),
		counter("orders_rejected_total", rejected, &s.rejected, prometheus.Labels{"reason": "invalid"}),
		counter("orders_rejected_total", rejected, &s.keyReused, prometheus.Labels{"reason": "idempotency_key_reused"}),
		counter("orders_failed_total", failed, &s.failed, prometheus.Labels{"reason": "not_published"}),
		counter("orders_failed_total", failed, &s.unknown, prometheus.Labels{"reason": "outcome_unknown"}),
	}
}

// stats is the body of GET /stats. The counters start at 0 with the process.
type stats struct {
	Accepted     int64  `json:"ordersAccepted"` // 201 or ok: added to the stream
	Replayed     int64  `json:"ordersReplayed"` // 201 for a repeated Idempotency-Key: nothing added
	Rejected     int64  `json:"ordersRejected"` // 400, 409, 413, 415: nothing published
	Failed       int64  `json:"ordersFailed"`   // 503: valid, but certainly not in the stream
	Unknown      int64  `json:"ordersUnknown"`  // 504: sent, no answer in time
	Stream       string `json:"stream"`
	StreamLength *int64 `json:"streamLength"` // null when Redis does not answer
	StreamMaxLen int64  `json:"streamMaxLen"`
}

// handleStats answers 200 even when Redis is down: the counters are most
// useful then.
func (s *service) handleStats(w http.ResponseWriter, r *http.Request) {
	st := stats{
		Accepted:     s.accepted.Load(),
		Replayed:     s.replayed.Load(),
		Rejected:     s.rejected.Load() + s.keyReused.Load(),
		Failed:       s.failed.Load(),
		Unknown:      s.unknown.Load(),
		Stream:       events.OrderStream,
		StreamMaxLen: s.maxLen,
	}
	ctx, cancel := context.WithTimeout(r.Context(), pingTimeout)
	defer cancel()
	if n, err := s.redis.XLen(ctx, events.OrderStream).Result(); err == nil {
		st.StreamLength = &n
	}
	httpserve.JSON(w, http.StatusOK, st)
}
