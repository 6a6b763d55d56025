import Foundation
import RecData
import RecMath
import Testing

@testable import AutoRec

@Suite struct ImplicitTrainingTests {
    @Test("fit keeps the epoch with the best validation NDCG and stops after the patience")
    func earlyStopping() throws {
        let (training, held) = ImplicitFixtures.checkerboard()
        let users = (0..<training.count).map { Int32($0) }
        let validation = RankingPart(
            users: users, input: training, excluded: training, relevant: held.map { [$0] })
        var m = try CDAE(userCount: training.count, itemCount: 8, configuration: .init(hidden: 4, seed: 7))
        let options = ImplicitTrainingOptions(epochs: 12, batchSize: 4, learningRate: 0.05, patience: 2)
        let history = ImplicitTrainer.fit(
            &m, training: training, validation: validation, k: 3, options: options)
        let best = try #require(history.max { $0.validationNDCG < $1.validationNDCG })
        // Stopped at the first epoch `patience` after the first best, or ran every epoch.
        let firstBest = try #require(history.first { $0.validationNDCG == best.validationNDCG })
        #expect(history.count == min(12, firstBest.epoch + 2))
        #expect(m.trainingState.epochs == firstBest.epoch)
        let ndcg = TopNMetrics.evaluate(validation, batchModel: m, k: 3).ndcg.mean
        #expect(ndcg == best.validationNDCG)
    }

    @Test("batches cover every user with items once, in a seeded order")
    func batches() {
        var state = ImplicitTrainingState(seed: 3)
        let lists: [[Int32]] = [[1], [], [2], [3], [4, 5], []]
        let b = state.batches(lists, size: 3)
        #expect(b.map(\.count) == [3, 1])
        #expect(b.flatMap { $0 }.sorted() == [0, 2, 3, 4])
    }
}
