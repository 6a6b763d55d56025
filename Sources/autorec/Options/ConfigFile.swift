import ArgumentParser
import AutoRec
import Foundation

/// `--config FILE` of `train` and `tune`: a JSON object of model option names (without the
/// dashes) to values, the base that the command line overrides.
///
/// ```json
/// { "model": "u-autorec", "hidden-units": 300, "l2": 30, "layers": [512, 256, 512], "refit": false }
/// ```
/// Numbers and strings are the option's value as typed on the command line; an array is joined
/// with commas (`layers`, `layer-dropout`); `true` turns a flag on, `false` leaves it off (`refit`:
/// `--no-refit`). Keys are the options `train --help` lists under the model settings, plus `seed`.
///
/// The file is expanded into those options *before* parsing, right after the subcommand's name, so
/// any option given on the command line comes later and wins.
enum ConfigFile {
    /// The subcommands that take `--config`.
    static let commands: Set<String> = ["train", "tune"]

    /// The keys a configuration file may hold: every option of ``ModelOptions`` (kebab-case, as
    /// ArgumentParser spells them) and `seed`.
    static let keys: Set<String> = {
        var names: Set<String> = ["seed"]
        for child in Mirror(reflecting: ModelOptions()).children {
            guard let label = child.label else { continue }
            names.insert(kebabCase(label.hasPrefix("_") ? String(label.dropFirst()) : label))
        }
        return names
    }()

    /// Flags that have a `--no-` form (a `false` value then turns them off).
    static let invertibleFlags: Set<String> = ["refit"]

    /// `hiddenUnits` → `hidden-units`, as ArgumentParser names options.
    static func kebabCase(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase {
                out += "-" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// `arguments` with `--config FILE` (or `--config=FILE`) of `train`/`tune` replaced by the
    /// file's options, placed right after the subcommand so the command line overrides them.
    ///
    /// - Throws: ``ConfigFileError`` when the file cannot be read or holds a bad setting.
    static func expand(_ arguments: [String]) throws -> [String] {
        guard let command = arguments.first, commands.contains(command) else { return arguments }
        var rest = [String]()
        var path: String?
        var k = 1
        while k < arguments.count {
            let a = arguments[k]
            if a == "--" {
                rest += arguments[k...]
                break
            }
            if a == "--config", k + 1 < arguments.count {
                path = arguments[k + 1]
                k += 2
                continue
            }
            if a.hasPrefix("--config=") {
                path = String(a.dropFirst("--config=".count))
                k += 1
                continue
            }
            rest.append(a)
            k += 1
        }
        guard let path else { return arguments }
        return [command] + (try options(inFile: path)) + rest
    }

    /// The command-line options a configuration file stands for, checked.
    ///
    /// - Throws: ``ConfigFileError``: unreadable file, bad JSON, not an object, unknown key, a value of
    ///   the wrong kind, or a value the option rejects, each with the file and line.
    static func options(inFile path: String) throws(ConfigFileError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path)
                              ? "cannot read it" : "no such file")
        }
        let text = String(decoding: data, as: UTF8.self)
        // JSONSerialization says where a syntax error is ("around character 16"); JSONDecoder does not.
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw .badJSON(path: path, line: errorLine(reason, in: data), reason: reason)
        }
        let object: JSONValue
        do {
            object = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .badJSON(path: path, line: 1, reason: "\(error)")
        }
        guard case let .object(settings) = object else { throw .notAnObject(path: path) }
        return try arguments(for: settings, path: path) { lineNumber(of: $0, in: text) }
    }

    /// The command-line options that `settings` (a configuration file's object) stand for,
    /// checked; `lineOf` says on which line of `path` a key is, for the messages.
    ///
    /// - Throws: ``ConfigFileError``: unknown key, a value of the wrong kind, or one the option rejects.
    static func arguments(for settings: [String: JSONValue], path: String, lineOf: @escaping (String) -> Int)
        throws(ConfigFileError) -> [String]
    {
        var arguments = [String]()
        for key in settings.keys.sorted(by: { (lineOf($0), $0) < (lineOf($1), $1) }) {
            guard let value = settings[key] else { continue }
            guard keys.contains(key) else {
                throw .unknownKey(path: path, line: lineOf(key), key: key, known: keys.sorted())
            }
            let wrong = { (what: String) in
                ConfigFileError.badValue(path: path, line: lineOf(key), key: key, reason: what)
            }
            let text: String
            switch value {
            case let .bool(on):
                if on {
                    arguments.append("--\(key)")
                } else if invertibleFlags.contains(key) {
                    arguments.append("--no-\(key)")
                }
                continue
            case let .string(s): text = s
            case let .integer(i): text = "\(i)"
            case let .number(d): text = "\(d)"
            case let .array(list):
                var parts = [String]()
                for item in list {
                    switch item {
                    case let .integer(i): parts.append("\(i)")
                    case let .number(d): parts.append("\(d)")
                    default: throw wrong("a list may hold numbers only")
                    }
                }
                text = parts.joined(separator: ",")
            case .null, .object: throw wrong("expected a number, a string, a list of numbers or true/false")
            }
            // `--key=value`, so a negative number is not taken for an option.
            arguments.append("--\(key)=\(text)")
        }
        try check(arguments, path: path, settings: settings.keys.sorted(by: { (lineOf($0), $0) < (lineOf($1), $1) }),
                  line: lineOf)
        return arguments
    }

    /// Parses the options as the model options they are, so a bad value is reported against the
    /// file and the line of its key rather than as a command-line error.
    static func check(_ arguments: [String], path: String, settings: [String], line: (String) -> Int)
        throws(ConfigFileError)
    {
        var modelArguments = arguments
        if let s = modelArguments.firstIndex(where: { $0.hasPrefix("--seed=") }) {
            let seed = modelArguments[s].dropFirst("--seed=".count)
            guard UInt64(seed) != nil else {
                throw .badValue(path: path, line: line("seed"), key: "seed", reason: "'\(seed)' is not a seed (a whole number >= 0)")
            }
            modelArguments.remove(at: s)
        }
        do {
            _ = try ModelOptions.parse(modelArguments)
        } catch {
            let message = ModelOptions.message(for: error)
            // The option the message names, else the first setting that fails on its own, else the
            // first key: its line points at the culprit.
            let named = settings.first { message.contains("--\($0)") || message.contains("--no-\($0)") }
            let alone = settings.first { key in
                let own = modelArguments.filter { $0 == "--\(key)" || $0 == "--no-\(key)" || $0.hasPrefix("--\(key)=") }
                return (try? ModelOptions.parse(own)) == nil
            }
            let key = named ?? alone ?? settings.first ?? ""
            throw .badValue(path: path, line: line(key), key: key, reason: message)
        }
    }

    /// The 1-based line where `"key"` first appears as a key in `text` (1 when not found).
    static func lineNumber(of key: String, in text: String) -> Int {
        guard let range = text.range(of: "\"\(key)\"") else { return 1 }
        return text[..<range.lowerBound].count { $0 == "\n" } + 1
    }

    /// The line holding the byte offset a parser message names (`around character 16`), else 1.
    static func errorLine(_ reason: String, in data: Data) -> Int {
        guard let r = reason.range(of: "character ") else { return 1 }
        guard let offset = Int(reason[r.upperBound...].prefix { $0.isNumber }) else { return 1 }
        return data.prefix(offset).count { $0 == UInt8(ascii: "\n") } + 1
    }
}

/// A configuration file that cannot be used, with the file and line.
enum ConfigFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case badJSON(path: String, line: Int, reason: String)
    case notAnObject(path: String)
    case unknownKey(path: String, line: Int, key: String, known: [String])
    case badValue(path: String, line: Int, key: String, reason: String)

    var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): \(reason)"
        case let .badJSON(path, line, reason): "\(path):\(line): not valid JSON: \(reason)"
        case let .notAnObject(path):
            "\(path):1: expected a JSON object of option names to values, e.g. {\"l2\": 30, \"hidden-units\": 200}"
        case let .unknownKey(path, line, key, known):
            "\(path):\(line): unknown key '\(key)' (known: \(known.joined(separator: ", ")))"
        case let .badValue(path, line, key, reason): "\(path):\(line): \(key): \(reason)"
        }
    }
}
