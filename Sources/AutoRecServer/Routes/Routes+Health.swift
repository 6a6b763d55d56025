import Hummingbird

/// `GET /health` (the process answers), `GET /ready` (a model is loaded), `GET /metrics`.
func addHealthRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) {
    router.get("/health") { _, _ in HealthResponse(status: "ok") }

    router.get("/ready") { _, _ -> HealthResponse in
        let loaded = service.models.current
        return HealthResponse(
            status: "ready", model: loaded.model.kind, version: loaded.version, path: loaded.path,
            scale: loaded.model.scale)
    }

    router.get("/metrics") { _, _ -> Response in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: service.metrics.text())))
    }
}
