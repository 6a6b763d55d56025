import Dispatch
import Hummingbird
import Logging

/// Writes one log line per request and feeds the metrics:
/// `GET /v1/users/42/recommendations 200 0.41 ms (route /v1/users/{id}/recommendations)`.
///
/// The route is the matched pattern (`/v1/users/{id}/recommendations`), so ids do not explode
/// the metric labels; an unmatched path is logged as `unmatched`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let status: Int
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            finish(request, context, status: status, start: start)
            return response
        } catch {
            status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            finish(request, context, status: status, start: start, error: error)
            throw error
        }
    }

    private func finish(
        _ request: Request, _ context: Context, status: Int, start: UInt64, error: (any Error)? = nil
    ) {
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        metrics.record(route: route, method: method, status: status, nanoseconds: Int64(clamping: elapsed))
        var line: Logger.Message =
            "\(method) \(request.uri.path) \(status) \(Self.milliseconds(elapsed)) ms (route \(route))"
        if let error, status >= 400 { line = "\(line): \(String(describing: error))" }
        context.logger.log(level: status >= 500 ? .error : .info, line, metadata: ["route": .string(route)])
    }

    /// `0.42`: milliseconds with two decimals.
    static func milliseconds(_ ns: UInt64) -> String {
        let hundredths = ns / 10_000
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
