import AutoRec
import Hummingbird

/// `GET /v1/users/{id}/recommendations` and `POST /v1/recommendations` (fold-in).
func addRecommendationRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) {
    let limits = service.configuration
    router.get("/v1/users/{id}/recommendations") { request, context -> RecommendationsResponse in
        let loaded = service.models.current
        let model = loaded.model
        let user = try context.path("id")
        let count = try request.integer("count", default: 10, in: 1...limits.maxCount)
        let excludeRated = try request.boolean("exclude_rated", default: true)
        let candidates = request.list("candidates")
        let stored = try await service.storedRatings(of: user)
        // A user the model never saw, with stored ratings: fold them in where the model can.
        if !stored.isEmpty, excludeRated, model.foldInRefusal == nil,
            model.trainingRatings(ofUser: user) == nil
        {
            let given = stored.map { (item: $0.item, rating: $0.rating) }
            do throws(Recommender.RequestError) {
                let (items, _) = try model.recommend(foldingIn: given, count: count, candidates: candidates)
                return RecommendationsResponse(
                    user: user, model: model.kind, version: loaded.version,
                    source: SourceInfo(.foldIn), items: items)
            } catch {
                if case .unknownItems = error { throw error.apiError(field: "candidates") }
                // The stored items are unknown to this model (or off its scale): use the fallback.
            }
        }
        do throws(Recommender.RequestError) {
            let (items, source) = try model.recommend(
                user: user, count: count, candidates: candidates, includeRated: !excludeRated,
                excluding: stored.map(\.item))
            return RecommendationsResponse(
                user: user, model: model.kind, version: loaded.version,
                source: SourceInfo(source), items: items)
        } catch {
            throw error.apiError(field: "candidates")
        }
    }

    router.post("/v1/recommendations") { request, context -> RecommendationsResponse in
        let body = try await request.decodeStrictly(FoldInRequest.self, limit: limits.maxBodyBytes)
        let loaded = service.models.current
        let model = loaded.model
        let count = body.count ?? 10
        guard (1...limits.maxCount).contains(count) else {
            throw APIError.badRequest(
                "count", code: "out-of-range",
                "must be between 1 and \(limits.maxCount), found \(count)")
        }
        try checkRatings(body.ratings, model: model, limits: limits, requireKnownItems: false)
        do throws(Recommender.RequestError) {
            let (items, unknown) = try model.recommend(
                foldingIn: body.ratings.map { (item: $0.item, rating: $0.rating) }, count: count,
                candidates: body.candidates)
            return RecommendationsResponse(
                user: nil, model: model.kind, version: loaded.version,
                source: SourceInfo(.foldIn), items: items, unknownItems: unknown)
        } catch {
            if case .unknownItems = error { throw error.apiError(field: "candidates") }
            throw error.apiError(field: "ratings")
        }
    }
}

/// Checks a list of (item, rating) from a body: 1 to `maxBatch` entries, each rating on the
/// model's scale and, when asked, each item known to the model; errors name `ratings[i].field`.
func checkRatings(
    _ ratings: [ItemRating], model: any ServableModel, limits: ServerConfiguration,
    requireKnownItems: Bool
) throws {
    guard !ratings.isEmpty else {
        throw APIError.badRequest("ratings", code: "empty", "give at least one rating")
    }
    guard ratings.count <= limits.maxBatch else {
        throw APIError.badRequest(
            "ratings", code: "too-many",
            "at most \(limits.maxBatch) ratings per request, found \(ratings.count)")
    }
    let scale = model.scale
    for (i, r) in ratings.enumerated() {
        guard !r.item.isEmpty else {
            throw APIError.badRequest("ratings[\(i)].item", code: "empty", "the item id is empty")
        }
        guard r.rating.isFinite, r.rating >= scale.minimum, r.rating <= scale.maximum else {
            throw APIError.badRequest(
                "ratings[\(i)].rating", code: "out-of-range",
                "\(r.rating) is outside the model's rating scale \(scale)")
        }
        if requireKnownItems && !model.knowsItem(r.item) {
            throw APIError.badRequest(
                "ratings[\(i)].item", code: "unknown-item",
                "the model does not know item '\(r.item)'")
        }
    }
}
