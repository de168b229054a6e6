package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
)

const (
	// publishTimeout bounds one XADD, retries included: with Redis down, a
	// client gets a 503 within about this long instead of waiting.
	publishTimeout = 2 * time.Second
	// pingTimeout bounds the health check's PING.
	pingTimeout = 1 * time.Second
)

// service holds what the handlers share.
type service struct {
	redis  redis.UniversalClient
	orders *publisher // adds orders to order-events
	maxLen int64
	log    *slog.Logger

	stdoutMu sync.Mutex // handlers run concurrently; one line at a time
	stdout   io.Writer

	accepted, rejected, failed atomic.Int64
}

// newService builds the service. Its publisher runs until ctx is done, which
// must come after the HTTP server has finished its requests.
func newService(ctx context.Context, client redis.UniversalClient, maxLen int64, stdout io.Writer, log *slog.Logger) *service {
	s := &service{redis: client, orders: newPublisher(client, maxLen), maxLen: maxLen, stdout: stdout, log: log}
	go s.orders.run(ctx)
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
	if _, _, err := s.publish(r.Context(), userID, productID, price); err != nil {
		http.Error(w, publishError(err), http.StatusServiceUnavailable)
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

// handleOrderJSON is POST /orders: a JSON order in, 201 and the new IDs out.
func (s *service) handleOrderJSON(w http.ResponseWriter, r *http.Request) {
	req, status, err := decodeOrder(w, r)
	if err == nil {
		err = events.ValidateOrder(req.UserID, req.ProductID, string(req.Price))
	}
	if err != nil {
		s.rejected.Add(1)
		if status == 0 {
			status = http.StatusBadRequest
		}
		httpserve.Error(w, status, err.Error())
		return
	}
	order, entryID, err := s.publish(r.Context(), req.UserID, req.ProductID, string(req.Price))
	if err != nil {
		httpserve.Error(w, http.StatusServiceUnavailable, publishError(err))
		return
	}
	httpserve.JSON(w, http.StatusCreated, struct {
		OrderID string `json:"orderId"`
		EntryID string `json:"entryId"`
	}{order.OrderID, entryID})
}

// decodeOrder reads exactly one JSON object, with no unknown fields, from a
// body of at most httpserve.MaxBodyBytes. On error, status is the HTTP status
// to answer, or 0 for 400.
func decodeOrder(w http.ResponseWriter, r *http.Request) (req orderRequest, status int, err error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		return req, http.StatusUnsupportedMediaType, errors.New("Content-Type must be application/json")
	}
	// httpserve.New sets the same limit; this keeps the handler safe on its own.
	body := http.MaxBytesReader(w, r.Body, httpserve.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, bodyStatus(err), bodyError(err)
	}
	// A second value, or anything but white space, after the object is refused.
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		if err == nil || !isTooLarge(err) {
			err = errors.New("the body must hold one JSON object and nothing after it")
		}
		return req, bodyStatus(err), bodyError(err)
	}
	return req, 0, nil
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
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("unknown field %s: send only userId, productId and price", strings.TrimPrefix(err.Error(), "json: unknown field "))
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

// publish gives the order a new orderId and adds it to order-events, trimmed
// to about maxLen entries.
func (s *service) publish(ctx context.Context, userID, productID, price string) (events.Order, string, error) {
	order := events.Order{
		// A version 7 UUID starts with the time: IDs sort in order of creation.
		OrderID:   uuid.Must(uuid.NewV7()).String(),
		UserID:    userID,
		ProductID: productID,
		Price:     price,
	}
	// Once started, a publish runs to its end even if the client hangs up, so
	// that the counters and the log tell what happened to the stream.
	entryID, err := s.orders.publish(context.WithoutCancel(ctx), order.Fields())
	if err != nil {
		s.failed.Add(1)
		s.log.Error("order not published", "orderId", order.OrderID, "err", err)
		return order, "", err
	}
	s.accepted.Add(1)
	s.stdoutMu.Lock()
	fmt.Fprintf(s.stdout, "Order created. orderId=%s userId=%s productId=%s price=%s\n",
		order.OrderID, order.UserID, order.ProductID, order.Price)
	s.stdoutMu.Unlock()
	return order, entryID, nil
}

// publishError is the client's message for a failed XADD. The details, which
// may name the Redis address, go to the log only.
func publishError(err error) string {
	var refused redis.Error
	if errors.As(err, &refused) {
		return "order not published: Redis refused it: " + refused.Error()
	}
	return "order not published: Redis is unavailable, try again later"
}

// handleHealthz answers 200 when Redis answers a PING within pingTimeout.
func (s *service) handleHealthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), pingTimeout)
	defer cancel()
	if err := s.redis.Ping(ctx).Err(); err != nil {
		httpserve.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "Redis does not answer"})
		return
	}
	httpserve.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// stats is the body of GET /stats. The counters start at 0 with the process.
type stats struct {
	Accepted     int64  `json:"ordersAccepted"` // published to the stream
	Rejected     int64  `json:"ordersRejected"` // refused with a 4xx, nothing published
	Failed       int64  `json:"ordersFailed"`   // valid, but Redis failed: 503
	Stream       string `json:"stream"`
	StreamLength *int64 `json:"streamLength"` // null when Redis does not answer
	StreamMaxLen int64  `json:"streamMaxLen"`
}

// handleStats answers 200 even when Redis is down: the counters are most
// useful then.
func (s *service) handleStats(w http.ResponseWriter, r *http.Request) {
	st := stats{
		Accepted:     s.accepted.Load(),
		Rejected:     s.rejected.Load(),
		Failed:       s.failed.Load(),
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
