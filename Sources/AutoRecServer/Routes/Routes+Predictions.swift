import Hummingbird

/// `POST /v1/predictions`: a batch of (user, item) pairs, each answer with its source.
func addPredictionRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) {
    let limits = service.configuration
    router.post("/v1/predictions") { request, context -> PredictionsResponse in
        let body = try await request.decodeStrictly(PredictionsRequest.self, limit: limits.maxBodyBytes)
        guard !body.pairs.isEmpty else {
            throw APIError.badRequest("pairs", code: "empty", "give at least one pair")
        }
        guard body.pairs.count <= limits.maxBatch else {
            throw APIError.badRequest(
                "pairs", code: "too-many",
                "at most \(limits.maxBatch) pairs per request, found \(body.pairs.count)")
        }
        let loaded = service.models.current
        let answers = body.pairs.map { pair in
            let p = loaded.model.predict(user: pair.user, item: pair.item)
            return PredictionsResponse.Answer(
                user: p.user, item: p.item, rating: p.rating, source: SourceInfo(p.source))
        }
        return PredictionsResponse(model: loaded.model.kind, version: loaded.version, predictions: answers)
    }
}
