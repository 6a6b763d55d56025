/// The rating scale a file must keep to, and who says so.
///
/// A MovieLens release fixes its scale, so a rating outside it is a mistake in the file, not a
/// wider scale: one `100` in a MovieLens 100K `u.data` would otherwise stretch the scale to
/// 1-100 and change every clipped prediction. ``ReadOptions/scale`` set to one of these makes
/// ``RatingReader`` stop at such a rating with
/// ``RatingFileError/ratingOffScale(_:value:scale:source:hint:)``.
///
/// `ratings.dat` is shared by MovieLens 1M (whole stars) and 10M (half stars), so it allows
/// ``RatingScale/halfStars`` and settles on ``RatingScale/stars`` when every rating is a whole
/// star: ``choices`` lists the scales narrowest first. The half-star releases do the same, so a
/// whole-star data set written in their format (`autorec synth`) keeps the 1-5 scale.
public struct KnownScale: Sendable, Hashable, CustomStringConvertible {
    /// Who sets the scale, for messages: `MovieLens 100K`, `--scale`.
    public var source: String
    /// The scales the ratings may use, narrowest first; never empty. A table gets the first
    /// that holds all its ratings; a rating outside the last is an error.
    public var choices: [RatingScale]
    /// Said after an off-scale rating, e.g. how to read the file with another scale.
    public var hint: String?

    /// A rule allowing `choices` (narrowest first), set by `source`.
    ///
    /// - Parameters:
    ///   - source: Who sets the scale, as messages name it.
    ///   - choices: The scales allowed, narrowest first; an empty list allows nothing but is
    ///     treated as ``RatingScale/halfStars`` to stay usable.
    ///   - hint: What to say after an off-scale rating.
    public init(source: String, choices: [RatingScale], hint: String? = nil) {
        self.source = source
        self.choices = choices.isEmpty ? [.halfStars] : choices
        self.hint = hint
    }

    /// One scale, fixed by the user (`--scale`): its step, when 0, is read from the ratings.
    public static func fixed(_ scale: RatingScale, source: String = "--scale") -> KnownScale {
        KnownScale(source: source, choices: [scale])
    }

    static let anotherScale = "pass --scale min:max[:step] if the file uses another scale"
    /// MovieLens 100K: whole stars.
    public static let movieLens100K = KnownScale(
        source: "MovieLens 100K", choices: [.stars], hint: anotherScale)
    /// MovieLens 1M: whole stars.
    public static let movieLens1M = KnownScale(source: "MovieLens 1M", choices: [.stars], hint: anotherScale)
    /// MovieLens 10M: half stars (whole stars when every rating is one).
    public static let movieLens10M = KnownScale(
        source: "MovieLens 10M", choices: [.stars, .halfStars], hint: anotherScale)
    /// A `ratings.dat` that may be MovieLens 1M or 10M.
    public static let movieLensDat = KnownScale(
        source: "MovieLens 1M/10M", choices: [.stars, .halfStars], hint: anotherScale)
    /// MovieLens 20M, 25M, 32M and latest `ratings.csv`: half stars (whole stars when every
    /// rating is one, as in a whole-star data set written in this format).
    public static let movieLensCSV = KnownScale(
        source: "MovieLens 20M/25M/latest", choices: [.stars, .halfStars], hint: anotherScale)

    /// The widest allowed scale: every rating must be on it.
    public var allowed: RatingScale { choices[choices.count - 1] }

    /// The scale of a table whose distinct rating values are `values` (all on ``allowed``):
    /// the first choice holding every value, with a missing step read from `observed`.
    func scale(forDistinct values: [Float], observed: RatingScale) -> RatingScale {
        var chosen = allowed
        for c in choices where values.allSatisfy(c.contains) {
            chosen = c
            break
        }
        if chosen.step == 0 { chosen.step = observed.step }
        return chosen
    }

    /// `MovieLens 100K scale 1-5 (step 1)`.
    public var description: String {
        "\(source) scale " + choices.map(\.description).joined(separator: " or ")
    }
}
