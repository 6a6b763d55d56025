import AutoRec
import AutoRecServer
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct TrainCommandTests {
        @Test(
            "train --save --report, then evaluate --model on the same data and seed gives the same test RMSE",
            arguments: ["i-autorec", "u-autorec", "deep-autorec", "sparse-fc"])
        func trainThenEvaluate(model: String) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("model"), trained = folder.file("train.json"),
                evaluated = folder.file("eval.json")
            // The deep preset with narrow layers keeps the debug build quick.
            let deep = model == "deep-autorec" ? ["--layers", "8,4,8", "--learning-rate", "0.01"]
                : model == "sparse-fc" ? ["--layers", "8,4,8", "--kernel-dimension", "3"] : []
            try await autorec(
                ["train", "--data", data, "--model", model, "--hidden-units", "8", "--epochs", "5",
                 "--seed", "7", "--save", dir, "--report", trained, "--quiet"] + deep)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
                    == ["model.json", "report.json", "weights.safetensors"])

            let report = try jsonFile(trained)
            let epochs = try #require(report["epochs"] as? [[String: Any]])
            #expect(epochs.count == 5)
            #expect(epochs.map { $0["epoch"] as? Int } == [1, 2, 3, 4, 5])
            #expect(epochs.allSatisfy { $0["validationRMSE"] is Double })
            #expect(report["secondsPerEpoch"] is Double)
            let configuration = try #require(report["configuration"] as? [String: Any])
            #expect(configuration["hiddenUnits"] as? Int == 8)
            #expect(configuration["orientation"] as? String == (["i-autorec", "sparse-fc"].contains(model) ? "item" : "user"))
            let kernel = configuration["kernel"] as? [String: Any]
            #expect(kernel?["dimension"] as? Int == (model == "sparse-fc" ? 3 : nil))
            #expect(configuration["layers"] as? [Int] == (deep.isEmpty ? nil : [8, 4, 8]))
            #expect(configuration["seed"] as? Int == 7)
            let trainTest = try #require(report["test"] as? [String: Any])
            // Refit (the default) trains on the validation ratings too, so none are scored afterwards;
            // the early-stopping figure is kept, and the refit continues from the kept weights for a
            // fifth of the kept epochs, rounded up (U-AutoRec and kernelized models: from fresh weights
            // for all of them).
            #expect(report["validation"] == nil)
            #expect(report["bestValidationRMSE"] is Double)
            let refit = try #require(report["refitEpochs"] as? [[String: Any]])
            let kept = try #require(report["bestEpoch"] as? Int)
            #expect(refit.count == (["u-autorec", "sparse-fc"].contains(model) ? kept : (kept + 4) / 5))
            #expect(trainTest["count"] as? Int == 30)

            let plain = folder.file("plain.json")
            try await autorec(
                ["train", "--data", data, "--model", model, "--hidden-units", "8", "--epochs", "5",
                 "--seed", "7", "--no-refit", "--report", plain, "--quiet"] + deep)
            let validation = try #require(try jsonFile(plain)["validation"] as? [String: Any])
            #expect(validation["count"] as? Int == 27)  // 10% of the 270 training ratings

            try await autorec(
                "evaluate", "--model", dir, "--data", data, "--seed", "7", "--report", evaluated,
                "--quiet")
            let evalTest = try #require(try jsonFile(evaluated)["test"] as? [String: Any])
            let a = try #require(trainTest["rmse"] as? Double), b = try #require(evalTest["rmse"] as? Double)
            #expect(abs(a - b) < 1e-9, "train reported \(a), evaluate \(b)")
            #expect(evalTest["count"] as? Int == 30)
            #expect(
                NSDictionary(dictionary: evalTest["coldStart"] as? [String: Int] ?? [:])
                    == NSDictionary(dictionary: trainTest["coldStart"] as? [String: Int] ?? [:]))

            // Another seed draws another test part, so the figures move.
            let other = folder.file("other.json")
            try await autorec(
                "evaluate", "--model", dir, "--data", data, "--seed", "8", "--report", other, "--quiet")
            let c = try #require((try jsonFile(other)["test"] as? [String: Any])?["rmse"] as? Double)
            #expect(c != a)
        }

        @Test("train --model glocal-k pre-trains then fine-tunes; evaluate --model on its folder gives the same RMSE")
        func glocalK() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("model"), trained = folder.file("train.json"), evaluated = folder.file("eval.json")
            try await autorec(
                ["train", "--data", data, "--model", "glocal-k", "--layers", "8,8", "--kernel-dimension", "3",
                 "--epochs", "4", "--finetune-epochs", "3", "--dot-scale", "1", "--no-refit", "--seed", "7",
                 "--save", dir, "--report", trained, "--quiet"])
            let report = try jsonFile(trained)
            let epochs = try #require(report["epochs"] as? [[String: Any]])
            #expect(epochs.count == 7 && epochs.map { $0["epoch"] as? Int } == Array(1...7))
            #expect(try #require(report["bestEpoch"] as? Int) > 4)
            let configuration = try #require(report["configuration"] as? [String: Any])
            let global = try #require(configuration["globalKernel"] as? [String: Any])
            #expect(global["dotScale"] as? Double == 1 && global["fineTuneEpochs"] as? Int == 3)
            let json = try String(contentsOfFile: dir + "/model.json", encoding: .utf8)
            #expect(json.contains("\"model\" : \"GLocal-K\""))
            try await autorec(
                "evaluate", "--model", dir, "--data", data, "--seed", "7", "--report", evaluated, "--quiet")
            let a = try #require((report["test"] as? [String: Any])?["rmse"] as? Double)
            let b = try #require((try jsonFile(evaluated)["test"] as? [String: Any])?["rmse"] as? Double)
            #expect(abs(a - b) < 1e-9, "train reported \(a), evaluate \(b)")
        }

        @Test("--finetune-epochs and --dot-scale need --model glocal-k", arguments: [["--finetune-epochs", "5"],
                                                                                     ["--dot-scale", "1"]])
        func glocalOptionsNeedGlocal(option: [String]) {
            #expect(throws: (any Error).self) { try ModelOptions.parse(["--model", "sparse-fc"] + option) }
            #expect(throws: Never.self) { try ModelOptions.parse(["--model", "glocal-k"] + option) }
        }

        @Test("--side-information appends the item file's genres and decades; a missing user file is an error")
        func sideInformation() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("model"), trained = folder.file("train.json"), evaluated = folder.file("eval.json")
            try await autorec(
                "train", "--data", data, "--model", "i-autorec", "--side-information", "--hidden-units", "4",
                "--epochs", "3", "--seed", "3", "--save", dir, "--report", trained, "--quiet")
            let names = try #require(try jsonFile(dir + "/model.json")["sideFeatures"] as? [String])
            #expect(names.contains { $0.hasPrefix("genre=") } && names.contains { $0.hasPrefix("decade=") })
            try await autorec("evaluate", "--model", dir, "--data", data, "--seed", "3", "--report", evaluated, "--quiet")
            let a = (try jsonFile(trained)["test"] as? [String: Any])?["rmse"] as? Double
            let b = (try jsonFile(evaluated)["test"] as? [String: Any])?["rmse"] as? Double
            #expect(a != nil && a == b)
            await #expect {
                try await autorec("train", "--data", data, "--model", "u-autorec", "--side-information", "--quiet")
            } throws: { error in
                message(for: error).contains("--side-information: \(data) has no user file")
            }
        }

        @Test("--side-every-layer implies --side-information and widens every later layer; tied weights are refused")
        func sideEveryLayer() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("model"), trained = folder.file("train.json"), evaluated = folder.file("eval.json")
            try await autorec(
                "train", "--data", data, "--model", "i-autorec", "--side-every-layer", "--layers", "4,3",
                "--epochs", "3", "--seed", "3", "--save", dir, "--report", trained, "--quiet")
            let model = try jsonFile(dir + "/model.json")
            let names = try #require(model["sideFeatures"] as? [String])
            #expect((model["configuration"] as? [String: Any])?["sideEveryLayer"] as? Bool == true)
            let weights = try SafeTensorsFile(contentsOf: dir + "/weights.safetensors")
            #expect(weights.tensors["hidden.1.weight"]?.shape == [3, 4 + names.count])
            #expect(weights.tensors["decoder.weight"]?.shape.last == 3 + names.count)
            try await autorec("evaluate", "--model", dir, "--data", data, "--seed", "3", "--report", evaluated, "--quiet")
            let a = (try jsonFile(trained)["test"] as? [String: Any])?["rmse"] as? Double
            let b = (try jsonFile(evaluated)["test"] as? [String: Any])?["rmse"] as? Double
            #expect(a != nil && a == b)
            await #expect {
                try await autorec("train", "--data", data, "--side-every-layer", "--tied-weights", "--quiet")
            } throws: { error in
                message(for: error).contains("tied weights cannot be combined with side information at every layer")
            }
        }

        @Test("--groups trains per-group models and evaluates the routed predictions; it refuses --checkpoint")
        func groups() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let report = folder.file("groups.json")
            try await autorec(
                "train", "--data", data, "--model", "u-autorec", "--groups", "kmeans:2", "--group-minimum", "3",
                "--hidden-units", "4", "--epochs", "3", "--report", report, "--quiet")
            let json = try jsonFile(report)
            #expect((json["model"] as? String)?.hasPrefix("grouped U-AutoRec") == true)
            #expect(((json["test"] as? [String: Any])?["rmse"] as? Double) != nil)
            #expect {
                try AutoRecCommand.parseAsRoot(["train", "--data", data, "--groups", "kmeans:2", "--checkpoint", "c"])
            } throws: { message(for: $0).contains("group models cannot be checkpointed or resumed yet") }
            await #expect {
                try await autorec("train", "--data", data, "--groups", "gender-age", "--quiet")
            } throws: { message(for: $0).contains("--groups gender-age: \(data) has no user file") }
        }

        @Test("train --groups --save writes one folder that evaluate, predict and recommend read, routed by group")
        func groupsSaved() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("groups"), trained = folder.file("train.json"), evaluated = folder.file("eval.json")
            try await autorec(
                "train", "--data", data, "--model", "u-autorec", "--groups", "kmeans:2", "--group-minimum", "3",
                "--hidden-units", "4", "--epochs", "3", "--seed", "5", "--save", dir, "--report", trained, "--quiet")
            let (model, training) = try GroupedAutoRec.load(from: dir)
            #expect(model.groups.contains { $0 != nil }, "no group got a model of its own")
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            #expect(names.contains("everyone") && names.contains("report.json") && names.contains("model.json"))

            try await autorec("evaluate", "--model", dir, "--data", data, "--seed", "5", "--report", evaluated, "--quiet")
            let a = try #require((try jsonFile(trained)["test"] as? [String: Any])?["rmse"] as? Double)
            let e = try jsonFile(evaluated)
            let b = try #require((e["test"] as? [String: Any])?["rmse"] as? Double)
            #expect(abs(a - b) < 1e-9, "train reported \(a), evaluate \(b)")
            #expect(e["model"] as? String == "grouped U-AutoRec")

            let recommender = try Recommender(grouped: model, training: training)
            // A user with a group model of their own, so the answer is not the fallback's.
            let u = try #require(model.groupOfUser.indices.first { model.groupOfUser[$0] >= 0
                && model.groups[model.groupOfUser[$0]] != nil })
            let user = training.userIDs.rawID(Int32(u))
            let p = try #require(
                try Executable.json("predict", "--model", dir, "--user", user, "--item", "2", "--json") as? [String: Any])
            #expect((p["rating"] as? Double).map(Float.init) == recommender.predict(user: user, item: "2").rating)
            #expect(p["source"] as? String == "model")
            let list = try #require(
                try Executable.json("recommend", "--model", dir, "--user", user, "--count", "5", "--json")
                    as? [[String: Any]])
            let expected = try recommender.recommend(user: user, count: 5).items
            #expect(list.compactMap { $0["item"] as? String } == expected.map(\.item))
            #expect(list.first?["title"] as? String == expected.first.map { "Film \($0.item) (19\(70 + (Int($0.item) ?? 0)))" })
        }

        @Test(
            "an output path that cannot be written fails the run before the first epoch",
            arguments: [
                ["--save", "missing/model"], ["--report", "missing/train.json"], ["--checkpoint", "missing/x.ckpt"],
                ["--plot", "missing/curves.svg"], ["--save", "data/u.data"], ["--report", "data"],
            ])
        func unwritableOutput(option: [String]) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder, name: "data")
            let path = folder.file(option[1])
            // A checkpoint written every epoch shows whether training started.
            let probe = folder.file("probe.ckpt")
            var arguments = [
                "train", "--data", data, "--hidden-units", "4", "--epochs", "2", "--quiet",
                option[0], path,
            ]
            if option[0] != "--checkpoint" { arguments += ["--checkpoint", probe, "--checkpoint-every", "1"] }
            await #expect {
                try await autorec(arguments)
            } throws: { error in
                message(for: error).hasPrefix("\(path): cannot write: ")
            }
            #expect(!FileManager.default.fileExists(atPath: probe))
            #expect(try folder.contents() == ["data"])
        }

        @Test("--plot writes the run's learning curves: well-formed SVG titled with the data set and model")
        func plot() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder, name: "ml-tiny")
            let path = folder.file("curves.svg"), report = folder.file("train.json")
            try await autorec(
                "train", "--data", data, "--hidden-units", "4", "--epochs", "4", "--quiet", "--plot", path,
                "--report", report)
            let svg = try SVGInspector(try String(contentsOfFile: path, encoding: .utf8))
            #expect(svg.title.hasPrefix("ml-tiny: I-AutoRec"))
            #expect(svg.texts.contains("train RMSE") && svg.texts.contains("validation RMSE"))
            // The refit on training + validation is drawn as its own training curve.
            let refit = try #require(try jsonFile(report)["refitEpochs"] as? [Any])
            #expect(svg.texts.contains("refit train RMSE") == !refit.isEmpty)
            #expect(svg.elementCounts["polyline", default: 0] + svg.elementCounts["circle", default: 0] == 3)
        }

        @Test("--l2 auto tries the preset's grid on validation, reports each candidate and trains the lowest",
              arguments: [("i-autorec", [Float(10), 30, 100, 300, 1000]), ("u-autorec", [20, 60, 200, 600, 2000])])
        func l2Auto(model: String, grid: [Float]) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let report = folder.file("r.json")
            try await autorec("train", "--data", data, "--model", model, "--l2", "auto", "--hidden-units", "4",
                              "--epochs", "3", "--quiet", "--report", report)
            let json = try jsonFile(report)
            let search = try #require(json["l2Search"] as? [String: Any])
            let candidates = try #require(search["candidates"] as? [[String: Any]])
            #expect(candidates.compactMap { ($0["l2"] as? Double).map(Float.init) } == grid)
            let rmse = candidates.compactMap { $0["validationRMSE"] as? Double }
            #expect(rmse.count == 5 && Set(rmse).count > 1)
            let lowest = try #require(rmse.indices.min { rmse[$0] < rmse[$1] })
            let chosen = try #require(search["chosen"] as? Double)
            #expect(Float(chosen) == grid[lowest])
            #expect((search["reason"] as? String)?.hasPrefix("lowest validation RMSE of 5 candidates") == true)
            let configuration = try #require(json["configuration"] as? [String: Any])
            #expect(configuration["l2"] as? Double == chosen)
        }

        @Test("--l2 takes a number or auto; anything else is an error naming it")
        func l2Text() throws {
            #expect(throws: (any Error).self) {
                try AutoRecCommand.parseAsRoot(["train", "--data", "x", "--l2", "automatic"])
            }
            #expect(throws: (any Error).self) {
                try AutoRecCommand.parseAsRoot(["train", "--data", "x", "--l2", "auto", "--groups", "kmeans:2"])
            }
        }

        @Test("train refuses --split kfold")
        func noKFold() throws {
            #expect {
                try AutoRecCommand.parseAsRoot(["train", "--data", "x", "--split", "kfold"])
            } throws: {
                message(for: $0).contains("train takes one split")
            }
        }

        @Test("--test without --split given is taken as the given test part; with another --split it is refused")
        func testFileImpliesGivenSplit() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let test = try Fixture.givenTest(in: folder, known: 6)
            let report = folder.file("r.json")
            try await autorec(
                "train", "--data", data, "--test", test, "--hidden-units", "4", "--epochs", "2", "--report",
                report, "--quiet")
            let json = try jsonFile(report)
            #expect((json["test"] as? [String: Any])?["count"] as? Int == 6)
            #expect((json["split"] as? String)?.hasPrefix("given files") == true)
            for split in ["random", "per-user"] {
                #expect {
                    try AutoRecCommand.parseAsRoot(["train", "--data", data, "--test", test, "--split", split])
                } throws: {
                    message(for: $0).contains("--split \(split) would draw its own")
                }
            }
            #expect {
                try AutoRecCommand.parseAsRoot(["evaluate", "--model", "m", "--data", data, "--given", "u1",
                                                "--split", "temporal"])
            } throws: {
                message(for: $0).contains("--given u1 names the test part")
            }
        }

        @Test("a run that reaches --epochs without early stopping says it may not have converged")
        func epochLimit() throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let report = folder.file("r.json")
            let r = try Executable.run(
                "train", "--data", data, "--hidden-units", "4", "--epochs", "3", "--report", report)
            try #require(r.status == 0, "\(r.standardError)")
            #expect(r.standardError.contains("reached the epoch limit (3) without early stopping, so it may not "
                                             + "have converged"))
            #expect(!r.standardOutput.contains("early stopping:"))
            #expect(try jsonFile(report)["stopReason"] as? String == "epoch-limit")

            let stopped = try Executable.run(
                "train", "--data", data, "--hidden-units", "4", "--epochs", "400", "--patience", "1",
                "--learning-rate", "0.5", "--optimizer", "adam", "--report", report)
            try #require(stopped.status == 0, "\(stopped.standardError)")
            #expect(stopped.standardError.contains("early stopping after epoch"))
            #expect(try jsonFile(report)["stopReason"] as? String == "patience")
        }
    }
}
extension CLI {
    @Suite struct TrainFromStoreTests {
        /// A store holding ratings by a new user `s1` of items 1...6 (ids the fixture uses).
        static func store(in folder: TemporaryFolder) async throws -> String {
            let path = folder.file("ratings.sqlite")
            let store = try SQLiteRatingStore(path: path)
            try await store.save((1...6).map { StoredRating(user: "s1", item: "\($0)", rating: Float($0 % 5 + 1), timestamp: 900_000_000) })
            return path
        }

        @Test("train --from-store adds the store's ratings to --data's: the new user is in the saved model")
        func withData() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let store = try await Self.store(in: folder)
            try await autorec("train", "--data", data, "--from-store", store, "--hidden-units", "4", "--epochs", "2",
                              "--patience", "0", "--test-fraction", "0.05", "--save", folder.file("m"), "--quiet")
            let (_, training) = try AutoRecModel.load(from: folder.file("m"))
            #expect(training.userIDs.index(of: "s1") != nil && training.userIDs.count == Fixture.users + 1)
        }

        @Test("train --from-store alone trains on the store; a missing store file is an error naming it")
        func alone() async throws {
            let folder = try TemporaryFolder()
            let store = try await Self.store(in: folder)
            try await autorec("train", "--from-store", store, "--hidden-units", "2", "--epochs", "2", "--patience", "0",
                              "--test-fraction", "0.2", "--save", folder.file("m"), "--quiet")
            let (_, training) = try AutoRecModel.load(from: folder.file("m"))
            #expect(training.userIDs.rawIDs == ["s1"])
            let error = await #expect(throws: (any Error).self) {
                try await autorec("train", "--from-store", folder.file("none.sqlite"), "--quiet")
            }
            #expect(message(for: try #require(error)).hasPrefix("\(folder.file("none.sqlite")): no rating store here"))
            let noData = await #expect(throws: (any Error).self) { try await autorec("train", "--quiet") }
            #expect(message(for: try #require(noData)) == "give --data (or --from-store FILE)")
        }
    }
}
