import ArgumentParser
import AutoRec
import Foundation

/// `autorec rank`'s options for the trained top-N autoencoders (Mult-VAE, Mult-DAE, CDAE).
struct ImplicitModelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "mult-vae/mult-dae: encoder widths, the last the code (default 600,200); cdae: the code width "
                + "(default 50).", valueName: "w[,w...]"))
    var hidden: String?
    @Option(
        help: ArgumentHelp(
            "mult-vae/mult-dae: input dropout; cdae: input corruption q (default 0.5 for both).",
            valueName: "p"))
    var dropout: Float = 0.5
    @Option(help: "Weight penalty lambda (repeat to select on validation NDCG).") var l2: [Float] = [0]
    @Option(help: "mult-vae: KL annealing cap (repeat to select on validation NDCG).") var annealCap:
        [Float] = [0.2]
    @Option(help: "mult-vae: optimizer steps from beta 0 to 1 (the count is kept across epochs).")
    var annealSteps = 200_000
    @Option(help: "cdae: negatives sampled per positive.") var negatives = 5
    @Flag(help: ArgumentHelp("cdae: every item a user lacks is a negative (RecBole's full-row loss) instead of "
                             + "--negatives sampled ones; items x width work per user."))
    var allNegatives = false
    @Option(help: "cdae: the code layer's activation (sigmoid as the paper; RecBole uses relu).")
    var cdaeActivation: Activation = .sigmoid
    @Option(help: "cdae: logistic or squared.") var cdaeLoss: CDAE.Loss = .logistic
    @Option(help: "cdae: a user without training items gets zeros or the mean user vector.")
    var newUser: CDAE.NewUserVector = .zeros
    @Option(help: "Most epochs (early stopping on validation NDCG).") var epochs = 200
    @Option(help: "Users per mini-batch.") var batchSize = 500
    @Option(help: "Adam's learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Stop after this many epochs without a better validation NDCG.") var patience = 10

    func validate() throws {
        if let h = hidden, widths(h) == nil {
            throw ValidationError("--hidden must be positive widths separated by commas, got \(h)")
        }
        if !(dropout >= 0 && dropout < 1) {
            throw ValidationError("--dropout must lie in [0, 1), got \(dropout)")
        }
        if l2.isEmpty || l2.contains(where: { !($0 >= 0) || !$0.isFinite }) {
            throw ValidationError("--l2 must be at least 0")
        }
        if annealCap.isEmpty || annealCap.contains(where: { !($0 >= 0) || !$0.isFinite }) {
            throw ValidationError("--anneal-cap must be at least 0")
        }
        if annealSteps < 0 { throw ValidationError("--anneal-steps must be at least 0") }
        if !(0...10_000).contains(negatives) { throw ValidationError("--negatives must lie in 0...10000") }
        if epochs < 1 || batchSize < 1 || patience < 1 {
            throw ValidationError("--epochs, --batch-size and --patience must be at least 1")
        }
        if !(learningRate > 0) || !learningRate.isFinite {
            throw ValidationError("--learning-rate must be positive")
        }
    }

    /// `600,200` as widths; nil when a part is not a positive integer.
    func widths(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 65_536 }) else {
            return nil
        }
        return parts.compactMap { $0 }
    }

    var training: ImplicitTrainingOptions {
        ImplicitTrainingOptions(
            epochs: epochs, batchSize: batchSize, learningRate: learningRate, patience: patience)
    }
}

extension CDAE.Loss: ExpressibleByArgument {}
extension CDAE.NewUserVector: ExpressibleByArgument {}
