/// A named top-N evaluation protocol and its parameters (printed in every report).
///
/// - `recbole`: RecBole's default for general recommendation: ratings ≥ 3 kept, users and items
///   with at least 10 interactions (k-core, iterated), each user's interactions split at random
///   80/10/10 into training, validation and test; full ranking over the items the user has not
///   interacted with before the part (training for validation; training and validation for test,
///   as RecBole masks both); metrics at 10; model chosen on validation NDCG@10.
/// - `strong`: strong generalisation (Liang et al. 2018): ratings ≥ 4 positive, users with at
///   least 5; ``heldOutUsers`` users for validation and as many (distinct) for test; the model is
///   fitted on the other users only; each held-out user's items (restricted to items seen in
///   training) are split at random: ``foldInFraction`` folded in as the input, the rest scored.
/// - `leave-one-out`: each user's latest interaction (by timestamp; random without timestamps)
///   is the test item, the one before it the validation item, the rest training; full ranking.
public struct RankingProtocol: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The protocol's name.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case recbole
        case strong
        case leaveOneOut = "leave-one-out"
    }

    /// Which protocol.
    public var kind: Kind
    /// A rating ≥ this is an interaction; `nil` keeps every rating.
    public var positive: Float?
    /// Users with fewer interactions are dropped (k-core with ``minItemInteractions``).
    public var minUserInteractions: Int
    /// Items with fewer interactions are dropped.
    public var minItemInteractions: Int
    /// `recbole`: each user's share in validation.
    public var validationFraction: Double
    /// `recbole`: each user's share in test.
    public var testFraction: Double
    /// `strong`: number of validation users, and of test users.
    public var heldOutUsers: Int
    /// `strong`: share of a held-out user's items given to the model as input.
    public var foldInFraction: Double
    /// The cut-off K of the metrics and of the selection metric.
    public var cutoff: Int

    /// Creates a protocol with every parameter given.
    public init(
        kind: Kind, positive: Float?, minUserInteractions: Int, minItemInteractions: Int,
        validationFraction: Double = 0.1, testFraction: Double = 0.1, heldOutUsers: Int = 600,
        foldInFraction: Double = 0.8, cutoff: Int = 10
    ) {
        self.kind = kind
        self.positive = positive
        self.minUserInteractions = minUserInteractions
        self.minItemInteractions = minItemInteractions
        self.validationFraction = validationFraction
        self.testFraction = testFraction
        self.heldOutUsers = heldOutUsers
        self.foldInFraction = foldInFraction
        self.cutoff = cutoff
    }

    /// The protocol's published defaults.
    public static func named(_ kind: Kind) -> RankingProtocol {
        switch kind {
        case .recbole:
            RankingProtocol(kind: .recbole, positive: 3, minUserInteractions: 10, minItemInteractions: 10)
        case .strong:
            RankingProtocol(kind: .strong, positive: 4, minUserInteractions: 5, minItemInteractions: 0)
        case .leaveOneOut:
            RankingProtocol(kind: .leaveOneOut, positive: nil, minUserInteractions: 3, minItemInteractions: 0)
        }
    }

    /// The parameters that matter for this kind, as `name=value` pairs in a fixed order.
    public var parameters: [(name: String, value: String)] {
        var p: [(name: String, value: String)] = [
            ("positive", positive.map { "rating >= \(Self.number($0))" } ?? "every rating"),
            ("min-user-interactions", "\(minUserInteractions)"),
            ("min-item-interactions", "\(minItemInteractions)"),
        ]
        switch kind {
        case .recbole:
            let train = 1 - validationFraction - testFraction
            p.append(
                (
                    "split",
                    "per user at random \(Self.number(train))/\(Self.number(validationFraction))/"
                        + "\(Self.number(testFraction))"
                ))
            p.append(("ranking", "full, items of earlier parts excluded"))
        case .strong:
            p.append(("held-out-users", "\(heldOutUsers) validation + \(heldOutUsers) test"))
            p.append(("fold-in", "\(Self.number(foldInFraction)) of each held-out user's items"))
            p.append(("ranking", "full, folded-in items excluded"))
        case .leaveOneOut:
            p.append(("split", "latest item test, next latest validation (random without timestamps)"))
            p.append(("ranking", "full, items of earlier parts excluded"))
        }
        p.append(("cutoff", "\(cutoff)"))
        p.append(("selection", "validation NDCG@\(cutoff)"))
        return p
    }

    /// `recbole (positive=rating >= 3, ...)`.
    public var description: String {
        "\(kind.rawValue) (" + parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + ")"
    }

    /// Checks the parameters.
    ///
    /// - Throws: ``RankingProtocolError/bad(_:)`` naming the parameter out of range.
    public func validate() throws(RankingProtocolError) {
        if minUserInteractions < 0 || minItemInteractions < 0 {
            throw .bad("interaction minimums must be at least 0")
        }
        if cutoff < 1 { throw .bad("the cutoff must be at least 1, got \(cutoff)") }
        if kind == .recbole {
            for f in [validationFraction, testFraction] where !(f > 0 && f < 1) {
                throw .bad("fractions must lie strictly between 0 and 1, got \(f)")
            }
            if !(validationFraction + testFraction < 1) {
                throw .bad("validation and test fractions leave no training")
            }
        }
        if kind == .strong {
            if heldOutUsers < 1 { throw .bad("held-out users must be at least 1, got \(heldOutUsers)") }
            if !(foldInFraction > 0 && foldInFraction < 1) {
                throw .bad("the fold-in fraction must lie strictly between 0 and 1, got \(foldInFraction)")
            }
        }
    }

    static func number(_ x: some BinaryFloatingPoint) -> String {
        let d = Double(x)
        return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}

/// A protocol that cannot run: bad parameters or too little data.
public enum RankingProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter is out of range.
    case bad(String)
    /// The data left after filtering cannot be split as asked.
    case tooLittleData(String)

    public var description: String {
        switch self {
        case let .bad(s): "ranking protocol: \(s)"
        case let .tooLittleData(s): "ranking protocol: too little data: \(s)"
        }
    }
}
