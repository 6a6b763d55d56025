import AutoRec
import Foundation
import Hummingbird

/// `GET /v1/items?query=` (title search) and `GET /v1/items/{id}/similar`.
func addItemRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) {
    let limits = service.configuration
    router.get("/v1/items") { request, context -> ItemSearchResponse in
        guard let query = request.uri.queryParameters["query"].map(String.init),
            !query.trimmingCharacters(in: .whitespaces).isEmpty
        else {
            throw APIError.badRequest("query", code: "missing-field", "give ?query= with words of a title")
        }
        let limit = try request.integer("limit", default: 20, in: 1...limits.maxCount)
        let found = service.models.current.model.searchItems(matching: query, limit: limit)
        return ItemSearchResponse(query: query, items: found.map { .init(item: $0.item, title: $0.title) })
    }

    router.get("/v1/items/{id}/similar") { request, context -> SimilarItemsResponse in
        let item = try context.path("id")
        let count = try request.integer("count", default: 10, in: 1...limits.maxCount)
        let loaded = service.models.current
        do throws(Recommender.RequestError) {
            let s = try loaded.model.similarItems(to: item, count: count)
            return SimilarItemsResponse(
                model: loaded.model.kind, version: loaded.version, item: s.item,
                representation: s.representation, measure: s.measure, items: s.items)
        } catch .unknownItems {
            throw APIError(
                .notFound, code: "unknown-item", field: "id", "the model does not know item '\(item)'")
        } catch {
            // A model without item vectors (popularity): the item is known, the question is not.
            throw APIError(.unprocessableContent, code: "not-supported", field: "id", error.description)
        }
    }
}
