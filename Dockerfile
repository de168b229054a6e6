# syntax=docker/dockerfile:1
# One image per service, from the repository's root:
#
#   docker build --build-arg SERVICE=04-order-service -t streams-workshop/order-service .
#   docker build --build-arg SERVICE=05-payment-service -t streams-workshop/payment-service .
#   docker build --build-arg SERVICE=06-notification-service -t streams-workshop/notification-service .
#
# The stage builds as a stage copied out of the course does (DESIGN: "a
# stage copied out with kit/ beside it builds with GOWORK=off"): its go.mod
# replaces the kit with ../kit, so the build needs that folder and the
# stage's, not go.work and every module it lists. deploy/dockerfile_test.go runs
# these steps and checks the result.

FROM golang:1.26 AS build
ARG SERVICE
WORKDIR /src
ENV CGO_ENABLED=0 GOWORK=off GOFLAGS=-trimpath
RUN test -n "$SERVICE" || { echo "name the service: --build-arg SERVICE=04-order-service (or 05-payment-service, 06-notification-service)" >&2; exit 1; }
# The modules first: this layer is reused while only code changes.
COPY kit/go.mod kit/go.sum kit/
COPY kit/testkit/go.mod kit/testkit/go.sum kit/testkit/
COPY ${SERVICE}/go.mod ${SERVICE}/go.sum ${SERVICE}/
RUN go -C "$SERVICE" mod download
COPY kit/ kit/
COPY ${SERVICE}/ ${SERVICE}/
COPY deploy/probe/main.go probe/main.go
# A static binary (no cgo), with no build paths in it (-trimpath), and the
# health-check probe beside it: the image has no shell and no curl.
RUN go -C "$SERVICE" build -ldflags="-s -w" -o ../bin/service . \
 && go build -ldflags="-s -w" -o bin/probe ./probe/main.go

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/service /service
COPY --from=build /src/bin/probe /probe
# distroless's nonroot user, by number, so that Kubernetes' runAsNonRoot can
# check it.
USER 65532:65532
ENTRYPOINT ["/service"]
