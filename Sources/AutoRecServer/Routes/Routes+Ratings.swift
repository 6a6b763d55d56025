import Foundation
import Hummingbird

/// `POST /v1/users/{id}/ratings` (stores, token-guarded) and `GET /v1/users/{id}/ratings`.
func addRatingRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) {
    let limits = service.configuration
    router.post("/v1/users/{id}/ratings") { request, context -> EditedResponse<RatingsStored> in
        try service.authorize(request)
        let store = try service.requireStore()
        let user = try context.path("id")
        let body = try await request.decodeStrictly(RatingsRequest.self, limit: limits.maxBodyBytes)
        try checkRatings(
            body.ratings, model: service.models.current.model, limits: limits, requireKnownItems: true)
        let now = Int64(Date().timeIntervalSince1970)
        // All or nothing: one transaction; 201 only after it committed.
        try await store.save(
            body.ratings.map { StoredRating(user: user, item: $0.item, rating: $0.rating, timestamp: now) })
        return EditedResponse(
            status: .created, response: RatingsStored(user: user, stored: body.ratings.count))
    }

    router.get("/v1/users/{id}/ratings") { request, context -> UserRatingsResponse in
        let user = try context.path("id")
        let training = service.models.current.model.trainingRatings(ofUser: user)
        let stored = try await service.storedRatings(of: user)
        return UserRatingsResponse(
            user: user, known: training != nil, training: training ?? [], stored: stored)
    }
}
