import ArgumentParser
import AutoRec
import RecData

extension DataOptions {
    /// The side features of the encoded entities, read from the data folder's user or item file;
    /// says how many features and how many entities have none.
    func sideFeatures(for orientation: AutoRecConfiguration.Orientation, train: RatingTable) throws -> SideFeatures {
        let set = try dataset()
        let catalogs = try set.loadSideInformation(userIDs: train.userIDs, itemIDs: train.itemIDs)
        let features: SideFeatures
        let kind = orientation == .user ? "users" : "items"
        switch orientation {
        case .user:
            guard let users = catalogs.users else {
                throw ValidationError("--side-information: \(set.path) has no user file (u.user or users.dat)")
            }
            features = SideFeatures(users: users)
        case .item:
            guard let items = catalogs.items else {
                throw ValidationError("--side-information: \(set.path) has no item file (u.item, movies.dat or movies.csv)")
            }
            features = SideFeatures(items: items)
        }
        log("side information: \(features.width) features of \(kind); \(features.missingCount) of "
            + "\(features.matrix.rows) \(kind) have none and get zeros")
        return features
    }
}
