import ArgumentParser
import AutoRec
import Foundation
import RecData
import RecMath

extension EvaluateCommand {
    /// Ranking metrics of a top-N folder (`rank --save`): --data is split again with the protocol
    /// and seed saved in the folder, and the validation and test parts are ranked as `rank` did.
    func runTopN() async throws {
        if all {
            throw ValidationError(
                "--all is for rating models; a top-N model is ranked on the test part of its saved protocol")
        }
        let saved = try SavedTopNModel.load(from: model)
        let d = saved.description
        guard let method = d.rankingProtocol else {
            throw ValidationError(
                "\(ModelDirectory(model).modelPath): no 'protocol' field, so the split cannot be made again "
                    + "(help: save the model with 'autorec rank --save')")
        }
        let table = try data.load().ratings
        let seed = d.seed ?? runtime.seed
        var rng = SplitMix64(seed: seed)
        let split = try RankingSplit(table, method: method, using: &rng)
        let validation = saved.part(split.validation, of: split.data)
        let test = saved.part(split.test, of: split.data)
        let clock = ContinuousClock()
        let v = RankCommand.evaluate(validation, saved.model, k: method.cutoff)
        let start = clock.now
        let t = RankCommand.evaluate(test, saved.model, k: method.cutoff)
        let setting = d.setting ?? ""
        let r = RankReport(
            model: d.model.rawValue, protocol: method.kind.rawValue,
            parameters: method.parameters.map { "\($0.name)=\($0.value)" }, seed: seed,
            users: split.data.userCount, items: split.data.itemCount, interactions: split.data.count,
            candidates: [.init(setting: setting, fitSeconds: 0, validation: v, epochs: nil)], chosen: setting,
            test: t, testSeconds: (clock.now - start).seconds, interval: TopNMetrics.intervalMethod,
            modelFolder: model)
        if runtime.json { try printJSON(r) } else { r.printText() }
        if let path = evaluation.report { try writeJSON(r, to: path) }
    }
}
