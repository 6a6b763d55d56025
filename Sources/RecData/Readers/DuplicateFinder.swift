/// Finds (user, item) pairs rated more than once, in O(ratings + users + items).
///
/// Rows are bucketed by user with a stable counting sort, then each user's rows are walked in
/// file order while `seenBy[item]` remembers the last user who rated the item, so a repeat is a
/// single array compare. No hashing, no comparison sort.
enum DuplicateFinder {
    /// One repeated pair: the row of its first rating and the rows of the later ones, ascending.
    struct Group {
        var first: Int
        var later: [Int]
    }

    /// The repeated pairs, each group's rows in file order; groups ordered by user, then by the
    /// first row.
    ///
    /// - Complexity: O(n + userCount + itemCount) time, O(n) extra memory.
    static func groups(users: [Int32], items: [Int32], userCount: Int, itemCount: Int) -> [Group] {
        let n = users.count
        guard n > 1 else { return [] }
        var start = [Int](repeating: 0, count: userCount + 1)
        for u in users { start[Int(u) + 1] += 1 }
        for u in 0..<userCount { start[u + 1] += start[u] }
        var next = start
        var order = [Int32](repeating: 0, count: n)
        for row in 0..<n {
            let u = Int(users[row])
            order[next[u]] = Int32(row)
            next[u] += 1
        }
        var seenBy = [Int32](repeating: -1, count: itemCount)
        var firstRow = [Int32](repeating: 0, count: itemCount)
        var groupOf: [Int32: Int] = [:]  // first row -> group, only for the rare repeats
        var groups: [Group] = []
        for u in 0..<userCount {
            for k in start[u]..<start[u + 1] {
                let row = order[k]
                let i = Int(items[Int(row)])
                if seenBy[i] == Int32(u) {
                    let first = firstRow[i]
                    if let g = groupOf[first] {
                        groups[g].later.append(Int(row))
                    } else {
                        groupOf[first] = groups.count
                        groups.append(Group(first: Int(first), later: [Int(row)]))
                    }
                } else {
                    seenBy[i] = Int32(u)
                    firstRow[i] = row
                }
            }
        }
        return groups
    }
}
