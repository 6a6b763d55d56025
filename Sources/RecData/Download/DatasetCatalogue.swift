import Foundation

/// A MovieLens release that can be downloaded: where it lives, its checksum, and what its archive
/// unpacks to.
public struct CatalogueEntry: Sendable, Hashable, CustomStringConvertible {
    /// The name used on the command line and as the installed folder's name, e.g. `ml-10m`.
    public var name: String
    /// The archive's file name on the server, e.g. `ml-10m.zip`.
    public var archiveName: String
    /// The folder the archive unpacks to, e.g. `ml-10M100K` for `ml-10m.zip`.
    public var archiveFolder: String
    /// The published MD5 of the archive, lowercase hex, or `nil` when none is published (the
    /// download is then not checked).
    public var md5: String?
    /// The ratings file inside the folder, e.g. `ratings.dat`.
    public var ratingsFile: String
    /// The format of ``ratingsFile``.
    public var format: RatingFileFormat
    /// One line for listings: `MovieLens 1M: 1,000,209 ratings, 6,040 users, 3,706 movies`.
    public var summary: String

    /// An entry; `archiveName` defaults to `name.zip` and `archiveFolder` to `name`.
    public init(
        name: String, archiveName: String? = nil, archiveFolder: String? = nil, md5: String?,
        ratingsFile: String, format: RatingFileFormat, summary: String
    ) {
        self.name = name
        self.archiveName = archiveName ?? "\(name).zip"
        self.archiveFolder = archiveFolder ?? name
        self.md5 = md5
        self.ratingsFile = ratingsFile
        self.format = format
        self.summary = summary
    }

    /// `name: summary`.
    public var description: String { "\(name): \(summary)" }
}

/// The MovieLens releases `autorec download` knows, with GroupLens' URLs and published MD5s.
public enum DatasetCatalogue {
    /// GroupLens' folder of MovieLens archives; `AUTOREC_DOWNLOAD_URL` overrides it.
    public static let defaultBaseURL = "https://files.grouplens.org/datasets/movielens/"

    /// Every known release, smallest first.
    public static let entries: [CatalogueEntry] = [
        CatalogueEntry(
            name: "ml-100k", md5: "0e33842e24a9c977be4e0107933c0723", ratingsFile: "u.data", format: .ml100k,
            summary: "MovieLens 100K: 100,000 ratings (1-5), 943 users, 1,682 movies, 5 MB"),
        CatalogueEntry(
            name: "ml-1m", md5: "c4d9eecfca2ab87c1945afe126590906", ratingsFile: "ratings.dat", format: .ml1m,
            summary: "MovieLens 1M: 1,000,209 ratings (1-5), 6,040 users, 3,706 movies, 6 MB"),
        CatalogueEntry(
            name: "ml-10m", archiveFolder: "ml-10M100K", md5: "ce571fd55effeba0271552578f2648bd",
            ratingsFile: "ratings.dat", format: .ml1m,
            summary: "MovieLens 10M: 10,000,054 ratings (0.5-5), 69,878 users, 10,677 movies, 63 MB"),
        CatalogueEntry(
            name: "ml-20m", md5: "cd245b17a1ae2cc31bb14903e1204af3", ratingsFile: "ratings.csv",
            format: .mlLatest,
            summary: "MovieLens 20M: 20,000,263 ratings (0.5-5), 138,493 users, 26,744 movies, 190 MB"),
        CatalogueEntry(
            name: "ml-25m", md5: "6b51fb2759a8657d3bfcbfc42b592ada", ratingsFile: "ratings.csv",
            format: .mlLatest,
            summary: "MovieLens 25M: 25,000,095 ratings (0.5-5), 162,541 users, 59,047 movies, 250 MB"),
        CatalogueEntry(
            name: "ml-latest-small", md5: nil, ratingsFile: "ratings.csv", format: .mlLatest,
            summary: "MovieLens latest, small: about 100,000 ratings (0.5-5), 610 users, 9,700 movies, 1 MB;"
                + " changes over time, so no checksum is published"),
    ]

    /// The entry called `name` (case-insensitive), if any.
    public static func entry(named name: String) -> CatalogueEntry? {
        let wanted = name.lowercased()
        return entries.first { $0.name == wanted }
    }

    /// The names of every entry, for messages.
    public static var names: [String] { entries.map(\.name) }
}
