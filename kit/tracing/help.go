package tracing

// Help and HelpKO document the variables Start reads, for a service's -h, in
// English and in Korean. Tracing is off unless one of the first two asks.
const (
	Help = `  OTEL_TRACES_EXPORTER  tracing: otlp, console (each span as a line of JSON on
                  stderr) or none; unset, tracing is off unless the next is set
  OTEL_EXPORTER_OTLP_ENDPOINT  an OpenTelemetry collector, OTLP over HTTP, such as
                  http://localhost:4318: sends the traces there
  OTEL_SERVICE_NAME  the service's name in the traces (default: the command's)
                  The other OTEL_* variables work as the OpenTelemetry SDK documents
                  them: OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, and more.`
	HelpKO = `  OTEL_TRACES_EXPORTER  트레이싱: otlp, console(스팬 하나를 stderr에 JSON 한 줄로),
                  none 중 하나. 비어 있으면 다음 변수가 없는 한 트레이싱은 꺼져 있다
  OTEL_EXPORTER_OTLP_ENDPOINT  OpenTelemetry 컬렉터(OTLP over HTTP), 예를 들어
                  http://localhost:4318. 트레이스를 그리로 보낸다
  OTEL_SERVICE_NAME  트레이스에 나오는 서비스 이름(기본값: 명령 이름)
                  다른 OTEL_* 변수는 OpenTelemetry SDK 문서대로 동작한다:
                  OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER 등.`
)
