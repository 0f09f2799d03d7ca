import * as assert from "assert";
import * as child from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    defineCommand,
    EXIT,
    exitCodeOf,
    fail,
    runCommand,
    stackOption,
    UsageError,
} from "../../cli/command";
import { ConfigError, StackFileError } from "../../config";
import { parseAgainst } from "../../plan/against";
import { DefaultProviderError } from "../../plan/errors";
import { PROJECT } from "../../plan/run";
import { readInput } from "../../policypack/cli/input";
import { CheckInputError } from "../../policypack/runner";
import { PolicyConfigError } from "../../policypack/config";
import { AccountCommandError } from "../../scripts/account";
import { StackNameError } from "../../stacks/names";
import { VerifyPrerequisiteError } from "../../verify/errors";

const command = defineCommand({
    usage: "usage: demo [--name NAME] [--loud] [FILE]",
    options: {
        name: { type: "string", short: "n" },
        loud: { type: "boolean" },
        config: { type: "string", short: "c" },
    },
    positionals: true,
    valueNames: { config: "a FILE" },
    build(values, positionals) {
        if (positionals.length > 1) throw new UsageError("give at most one FILE");
        return { name: values.name ?? "anon", loud: values.loud ?? false, file: positionals[0] };
    },
});

function capture() {
    let out = "";
    let err = "";
    return {
        io: {
            out: { write: (s: string) => (out += s) },
            err: { write: (s: string) => (err += s) },
        },
        get out() {
            return out;
        },
        get err() {
            return err;
        },
    };
}

describe("the command module (cli/command.ts)", () => {
    it("parses typed options strictly, with --name=VALUE and positionals", () => {
        assert.deepStrictEqual(command.parse(["--name=x", "--loud", "f.json"]), {
            name: "x",
            loud: true,
            file: "f.json",
        });
        assert.deepStrictEqual(command.parse([]), { name: "anon", loud: false, file: undefined });
    });

    it("says each argument error the project's way, as a UsageError", () => {
        const cases: Array<[string[], string]> = [
            [["--bogus"], "unknown option --bogus"],
            [["--name"], "--name needs a value"],
            [["--name", "--loud"], "--name needs a value"],
            [["--config"], "--config needs a FILE"],
            // An option with a short form, given either way, is named by its long name.
            [["-c"], "--config needs a FILE"],
            [["-n"], "--name needs a value"],
            [["--loud=yes"], "--loud takes no value"],
            [["a", "b"], "give at most one FILE"],
        ];
        for (const [argv, message] of cases)
            assert.throws(
                () => command.parse(argv),
                (e: unknown) => e instanceof UsageError && e.message === message,
                argv.join(" "),
            );
        const strictPositionals = defineCommand({ usage: "u", options: {}, build: () => 0 });
        assert.throws(
            () => strictPositionals.parse(["x"]),
            /^UsageError: unexpected argument "x"$/,
        );
    });

    it("--help and -h win over everything else and run nothing", () => {
        let ran = false;
        for (const argv of [["--help"], ["-h"], ["--bogus", "--help"], ["a", "b", "-h"]]) {
            const c = capture();
            const code = runCommand(command, argv, c.io, () => {
                ran = true;
                return 0;
            });
            assert.strictEqual(code, 0);
            assert.strictEqual(c.out, "usage: demo [--name NAME] [--loud] [FILE]\n");
            assert.strictEqual(c.err, "");
        }
        assert.strictEqual(ran, false);
        // After "--", --help is an argument like any other.
        assert.deepStrictEqual(command.parse(["--", "--help"]), {
            name: "anon",
            loud: false,
            file: "--help",
        });
    });

    it("prints an argument error with the usage and exits 2, without running the command", () => {
        const c = capture();
        const code = runCommand(command, ["--bogus"], c.io, () => 0);
        assert.strictEqual(code, 2);
        assert.strictEqual(
            c.err,
            "error: unknown option --bogus\nusage: demo [--name NAME] [--loud] [FILE]\n",
        );
        assert.strictEqual(c.out, "");
    });

    it("keeps synchronous commands synchronous and awaits asynchronous ones", async () => {
        const c = capture();
        assert.strictEqual(
            runCommand(command, [], c.io, () => 1),
            1,
        );
        const later = runCommand(command, [], c.io, async () => 0);
        assert.ok(later instanceof Promise);
        assert.strictEqual(await later, 0);
    });

    it("renders what the command throws through the one map, without the usage", async () => {
        const refused = capture();
        assert.strictEqual(
            runCommand(command, [], refused.io, () => {
                throw new AccountCommandError('an account named "dev" is already there');
            }),
            2,
        );
        assert.strictEqual(refused.err, 'error: an account named "dev" is already there\n');
        const bug = capture();
        assert.strictEqual(
            await runCommand(command, [], bug.io, async () => {
                throw new TypeError("x is undefined");
            }),
            EXIT.internal,
        );
        assert.match(bug.err, /^internal error: TypeError: x is undefined\n\s+at /);
    });

    it("--json errors list each problem of a refused --against FILE and check INPUT, by key", () => {
        const refusal = (read: () => unknown) => {
            try {
                read();
            } catch (e) {
                const c = capture();
                assert.strictEqual(fail(e, c.io, { json: true }), EXIT.input);
                return JSON.parse(c.out).error.problems;
            }
            assert.fail("the input was accepted");
        };
        assert.deepStrictEqual(
            refusal(() =>
                parseAgainst(
                    { stack: "workload", resources: [{ urn: 1 }, { type: "t" }] },
                    "x.json",
                    PROJECT,
                ),
            ),
            [
                { key: "resources[0]", message: 'needs "urn" and "type" strings' },
                { key: "resources[1]", message: 'needs "urn" and "type" strings' },
            ],
        );
        const input = refusal(() => readInput({ resources: [{ name: "a" }, { type: "t" }] }));
        assert.deepStrictEqual(
            input.map((p: { key: string }) => p.key),
            ['resources[0] ("a")', "resources[1]", "resources[1]"],
        );
        assert.deepStrictEqual(input[1], {
            key: "resources[1]",
            message: 'needs "name", a non-empty string',
        });
    });

    it("maps every error class to its documented exit code", () => {
        const cases: Array<[unknown, number, string | RegExp]> = [
            [new UsageError("bad"), 2, "error: bad"],
            [new AccountCommandError("refused"), 2, "error: refused"],
            [new StackNameError("prod", ["workload"]), 2, /^error: unknown stack "prod"/],
            [new CheckInputError("not JSON"), 2, "error: not JSON"],
            [
                new ConfigError("workload", [{ path: "a", message: "b" }]),
                2,
                /^invalid configuration for stack "workload"/,
            ],
            [
                new StackFileError("cannot read Pulumi.workload.yaml"),
                2,
                "cannot read Pulumi.workload.yaml",
            ],
            [new PolicyConfigError(["no such policy x"]), 2, /^invalid policy pack configuration:/],
            [new VerifyPrerequisiteError("no credentials"), 2, "no credentials"],
            [new pulumi.RunError("the program refused"), 2, "the program refused"],
            [
                Object.assign(new Error("Could not load credentials"), {
                    name: "CredentialsProviderError",
                }),
                2,
                "no usable AWS credentials: Could not load credentials",
            ],
            [
                Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }),
                2,
                "cannot reach AWS (ENOTFOUND): check the network and --region",
            ],
            [
                new DefaultProviderError(["r1"]),
                1,
                /^unsafe plan: these resources would use the default AWS provider/,
            ],
            [
                Object.assign(new Error("Rate exceeded"), {
                    name: "ThrottlingException",
                    $metadata: { httpStatusCode: 400 },
                }),
                1,
                "error: AWS answered ThrottlingException: Rate exceeded",
            ],
            [new Error("a bug"), 1, /^internal error: Error: a bug\n/],
            ["a string", 1, /^internal error: Error: a string/],
        ];
        for (const [thrown, code, message] of cases) {
            const r = exitCodeOf(thrown);
            assert.strictEqual(r.code, code, String(thrown));
            if (typeof message === "string") assert.strictEqual(r.message, message);
            else assert.match(r.message, message);
            assert.strictEqual(r.usage, thrown instanceof UsageError, String(thrown));
        }
        assert.deepStrictEqual(EXIT, { ok: 0, findings: 1, internal: 1, usage: 2, input: 2 });
    });

    it("reads --stack through the stack-name rule", () => {
        assert.deepStrictEqual(stackOption("workload-eu", ["workload"]), {
            name: "workload-eu",
            kind: "workload",
            shard: "eu",
        });
        assert.throws(
            () => stackOption("security", ["workload"]),
            (e: unknown) =>
                e instanceof UsageError &&
                e.message === '--stack must be workload or workload-<shard>, not "security"',
        );
        assert.throws(
            () => stackOption("prod", undefined, AccountCommandError),
            AccountCommandError,
        );
    });

    it("start: a closed output pipe ends the command quietly, with its own exit code", async () => {
        // A command that writes far more than a pipe holds, then exits 3 (a code of its own); the
        // reader goes away after the first chunk, as `| head -1` does.
        const program = `require(${JSON.stringify(path.join(__dirname, "../../cli/command.ts"))}).start(() => {
            for (let i = 0; i < 20000; i++) process.stdout.write("line " + i + " of the output\\n");
            process.stderr.write("still running\\n");
            return 3;
        });`;
        const proc = child.spawn(process.execPath, [
            "-r",
            require.resolve("ts-node/register/transpile-only"),
            "-e",
            program,
        ]);
        let stderr = "";
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        proc.stdout.once("data", () => proc.stdout.destroy());
        const code = await new Promise<number | null>((resolve) => proc.on("close", resolve));
        assert.strictEqual(stderr, "still running\n", "no EPIPE stack trace");
        assert.strictEqual(code, 3);
    });
});
