import Prometheus
import Synchronization

/// The service's Prometheus metrics, in its own registry (no process-wide state, so tests can
/// build many applications).
///
/// - `autorec_http_requests_total{route, method, status}`
/// - `autorec_http_request_duration_seconds{route, method, status}` (histogram)
/// - `autorec_model_info{kind, version}` (1 for the model serving now)
/// - `autorec_model_reloads_total{result}` (`ok` or `refused`)
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let modelInfo = Mutex<Gauge?>(nil)
    static let buckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .seconds(1), .seconds(5),
    ]

    public init() {}

    /// Counts one finished request and its latency.
    func record(route: String, method: String, status: Int, nanoseconds: Int64) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(name: "autorec_http_requests_total", labels: labels).increment()
        registry.makeDurationHistogram(
            name: "autorec_http_request_duration_seconds", labels: labels,
            buckets: Self.buckets
        ).recordNanoseconds(nanoseconds)
    }

    /// Marks `version` of `kind` as the model serving now.
    func modelLoaded(kind: String, version: String) {
        let gauge = registry.makeGauge(
            name: "autorec_model_info", labels: [("kind", kind), ("version", version)])
        gauge.set(Double(1))
        let old = modelInfo.withLock { value in
            let old = value
            value = gauge
            return old
        }
        if let old, old !== gauge { registry.unregisterGauge(old) }
    }

    func reload(succeeded: Bool) {
        registry.makeCounter(
            name: "autorec_model_reloads_total", labels: [("result", succeeded ? "ok" : "refused")]
        )
        .increment()
    }

    /// The Prometheus text exposition of every metric.
    public func text() -> String { registry.emitToString() }
}
