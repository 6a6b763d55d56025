import RealModule
import RecMath

extension CDAE {
    /// The entries a batch's loss is taken over: per user, their positives (target 1) then the
    /// sampled negatives (target 0).
    struct Targets {
        var entries: SparseRows
        var labels: [Float]
    }

    /// The positives of each list and `negativeRatio` × as many items each list does not have,
    /// drawn uniformly (with repeats) from `rng`, or with ``Configuration/allNegatives`` every such
    /// item (no draw); none when the user has every item.
    func targets(_ lists: [[Int32]], rng: inout SplitMix64) -> Targets {
        var t = Targets(entries: SparseRows(cols: itemCount), labels: [])
        var has = [Bool](repeating: false, count: itemCount)
        for list in lists {
            let valid = list.filter { $0 >= 0 && Int($0) < itemCount }
            for i in valid {
                has[Int(i)] = true
                t.entries.append(i, 0)
                t.labels.append(1)
            }
            if configuration.allNegatives == true {
                for j in 0..<itemCount where !has[j] {
                    t.entries.append(Int32(j), 0)
                    t.labels.append(0)
                }
            } else if valid.count < itemCount {
                for _ in 0..<(configuration.negativeRatio * valid.count) {
                    var j = rng.nextInt(below: itemCount)
                    while has[j] { j = rng.nextInt(below: itemCount) }
                    t.entries.append(Int32(j), 0)
                    t.labels.append(0)
                }
            }
            for i in valid { has[Int(i)] = false }
            t.entries.closeRow()
        }
        return t
    }

    /// The mean loss of a batch and its gradient for every parameter (W, b, V, W', b').
    ///
    /// - Parameters:
    ///   - users: the batch's user indices (their vectors are used and trained).
    ///   - lists: their items (input and positives).
    ///   - targets: the entries and labels the loss is taken over.
    ///   - corruption: input dropout (0: none).
    func lossAndGradient(
        users: [Int32], lists: [[Int32]], targets: Targets, corruption: Float, rng: inout SplitMix64
    ) -> (Double, [Matrix]) {
        let rows = lists.count
        let k = configuration.hidden
        let scale = 1 / Float(max(1, rows))
        var x = SparseRows(cols: itemCount)
        let keep = 1 / (1 - corruption)
        for list in lists {
            for i in list
            where i >= 0 && Int(i) < itemCount && (corruption == 0 || rng.nextFloat() >= corruption) {
                x.append(i, keep)
            }
            x.closeRow()
        }
        let h = hidden(x, users: users.map { $0 }, training: true)
        var z = [Float]()
        targets.entries.sampledDot(h, parameters[3], into: &z)
        var dz = targets.entries
        var loss = 0.0
        for e in z.indices {
            let s = z[e] + parameters[4].storage[Int(dz.columns[e])]
            let y = targets.labels[e]
            let p = Activation.sigmoid.apply(s)
            switch configuration.loss {
            case .logistic:
                // softplus(s) − y·s, computed without overflow.
                loss += Double(max(s, 0) + Float.log(onePlus: Float.exp(-abs(s))) - y * s)
                dz.values[e] = scale * (p - y)
            case .squared:
                loss += Double((p - y) * (p - y))
                dz.values[e] = scale * 2 * (p - y) * p * (1 - p)
            }
        }
        var grads = parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
        dz.addTransposeProduct(h, into: &grads[3])
        for e in dz.values.indices { grads[4].storage[Int(dz.columns[e])] += dz.values[e] }
        var dh = Matrix(rows: rows, cols: k)
        dz.multiply(parameters[3], into: &dh)
        configuration.codeActivation.backward(outputs: h, mask: nil, gradient: &dh)
        x.addTransposeProduct(dh, into: &grads[0])
        var scratch = [Float]()
        DenseLayer.addColumnSums(dh, into: &grads[1], scratch: &scratch)
        for (r, u) in users.enumerated() {
            for c in 0..<k { grads[2][Int(u), c] += dh[r, c] }
        }
        let l2 = configuration.l2
        var penalty = 0.0
        if l2 > 0 {
            for t in [0, 3] {
                penalty += Double(l2) * parameters[t].sumOfSquares()
                grads[t].add(parameters[t], scaledBy: 2 * l2)
            }
            for u in users {
                for c in 0..<k {
                    let v = parameters[2][Int(u), c]
                    penalty += Double(l2 * scale * v * v)
                    grads[2][Int(u), c] += 2 * l2 * scale * v
                }
            }
        }
        return (loss * Double(scale) + penalty, grads)
    }

    /// One epoch: the users with items, shuffled, in batches; fresh corruption and negatives for
    /// every batch; one Adam step per batch. Returns the mean loss per batch.
    public mutating func trainEpoch(_ training: [[Int32]], options: ImplicitTrainingOptions) -> Double {
        for (u, list) in training.enumerated() where u < userCount && !list.isEmpty { trained[u] = true }
        var state = trainingState
        trainingState.adam = [:]  // one owner of the moments, so steps update them in place
        let batches = state.batches(Array(training.prefix(userCount)), size: options.batchSize)
        var total = 0.0
        for batch in batches {
            let lists = batch.map { training[$0] }
            let t = targets(lists, rng: &state.rng)
            let (loss, grads) = lossAndGradient(
                users: batch.map { Int32($0) }, lists: lists, targets: t,
                corruption: configuration.corruption,
                rng: &state.rng)
            total += loss
            state.step(&parameters, gradients: grads, learningRate: options.learningRate)
        }
        state.epochs += 1
        trainingState = state
        return batches.isEmpty ? 0 : total / Double(batches.count)
    }
}
