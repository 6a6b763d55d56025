import Dispatch
import Hummingbird

/// `POST /admin/reload`: load the model folder again and swap it in (token-guarded).
func addAdminRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) {
    router.post("/admin/reload") { request, _ -> ReloadResponse in
        try service.authorize(request)
        do {
            // Loading reads and checks every file: do it off the request threads.
            let swapped = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try service.reloadModel() })
                }
            }
            return ReloadResponse(
                model: swapped.new.model.kind, version: swapped.new.version,
                previousVersion: swapped.old.version)
        } catch {
            throw APIError(
                .unprocessableContent, code: "reload-refused", field: "model",
                "the model folder could not be loaded, the old model keeps serving: \(error)")
        }
    }
}
