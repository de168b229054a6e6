package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
)

// newOrder checks an order and gives it its orderId. A version 7 UUID starts
// with the time: IDs sort in order of creation.
func newOrder(userID, productID, price string) (events.Order, error) {
	if err := events.ValidateOrder(userID, productID, price); err != nil {
		return events.Order{}, err
	}
	return events.Order{OrderID: uuid.Must(uuid.NewV7()).String(), UserID: userID, ProductID: productID, Price: price}, nil
}

// orderRequest is the body of POST /orders.
type orderRequest struct {
	UserID    string    `json:"userId"`
	ProductID string    `json:"productId"`
	Price     jsonPrice `json:"price"`
}

// created is the body of a 201.
type created struct {
	OrderID string `json:"orderId"`
	EntryID string `json:"entryId"`
}

// readOrder reads POST /orders: the JSON body, the order it holds, and the
// Idempotency-Key ("" when there is none). Nothing is published unless all of
// it is good; on error, status is the HTTP status to answer.
func readOrder(w http.ResponseWriter, r *http.Request) (order events.Order, key string, status int, err error) {
	req, status, err := decodeOrder(w, r)
	if err != nil {
		return order, "", status, err
	}
	if order, err = newOrder(req.UserID, req.ProductID, string(req.Price)); err != nil {
		return order, "", http.StatusBadRequest, err
	}
	if key, err = idempotencyKey(r.Header); err != nil {
		return order, "", http.StatusBadRequest, err
	}
	return order, key, 0, nil
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
