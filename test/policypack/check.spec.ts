import * as assert from "assert";
import * as child from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CheckInputError,
    checkResources,
    loadPackConfig,
    PlannedResource,
    PolicyConfigError,
} from "../../policypack/runner";
import { main, UNKNOWN_STRING } from "../../policypack/cli/check";
import { DEFAULT_POLICY_CONFIG } from "../../policypack/cli/defaultConfig";
import { readInput } from "../../policypack/cli/input";
import { ownProgramResources, WORKLOAD } from "./fixtures";
import { ALICE, allowAssume, policyDoc, UNKNOWN_STRING as ENGINE_UNKNOWN_STRING } from "./helpers";

const publicRole: PlannedResource = {
    type: "aws:iam/role:Role",
    name: "public",
    props: { assumeRolePolicy: JSON.stringify(policyDoc(allowAssume("*"))) },
};
const passRole: PlannedResource = {
    type: "aws:iam/policy:Policy",
    name: "deployer",
    props: { policy: policyDoc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) },
};

function tmp(name: string, content: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
}

/** Runs the command in process with its output captured (the command takes its streams). */
async function capture(
    argv: string[],
    stdin?: AsyncIterable<string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const io = {
        out: { write: (s: string) => (stdout += s) },
        err: { write: (s: string) => (stderr += s) },
    };
    // `await` also takes the number a synchronous command returns.
    const code = await (stdin ? main(argv, io, stdin) : main(argv, io));
    return { code, stdout, stderr };
}

const CHECK = path.join(__dirname, "../../policypack/cli/check.ts");
const TS_NODE = ["-r", require.resolve("ts-node/register/transpile-only")];

describe("checkResources", () => {
    it("plans the project's own resources clean (no violation at any level)", () => {
        const v = checkResources(ownProgramResources(), {
            "audit-role-per-workload-account": { workloadAccountIds: [WORKLOAD] },
        });
        assert.deepStrictEqual(v, []);
    });

    it("reports policy, resource, urn, message and level", () => {
        const v = checkResources([
            { ...publicRole, urn: "urn:pulumi:s::p::aws:iam/role:Role::public" },
        ]);
        assert.deepStrictEqual(
            v.map((x) => [x.policy, x.resource, x.urn, x.enforcementLevel]),
            [
                [
                    "iam-no-wildcard-principal",
                    "public",
                    "urn:pulumi:s::p::aws:iam/role:Role::public",
                    "mandatory",
                ],
                [
                    "iam-trust-requires-mfa",
                    "public",
                    "urn:pulumi:s::p::aws:iam/role:Role::public",
                    "mandatory",
                ],
            ],
        );
    });

    it('applies config: levels, "all", disabled policies and settings with defaults', () => {
        assert.deepStrictEqual(
            checkResources([passRole]).map((v) => [v.policy, v.enforcementLevel]),
            [["iam-passrole-scoped", "advisory"]],
        );
        assert.deepStrictEqual(
            checkResources([passRole], { "iam-passrole-scoped": "mandatory" }).map(
                (v) => v.enforcementLevel,
            ),
            ["mandatory"],
        );
        assert.deepStrictEqual(checkResources([passRole], { all: "disabled" }), []);
        assert.deepStrictEqual(
            checkResources([publicRole], {
                all: "advisory",
                "iam-trust-requires-mfa": { enforcementLevel: "disabled" },
            }).map((v) => [v.policy, v.enforcementLevel]),
            [["iam-no-wildcard-principal", "advisory"]],
        );
        assert.deepStrictEqual(
            checkResources([publicRole], {
                "iam-no-wildcard-principal": { exemptResources: ["public"] },
            }).map((v) => v.policy),
            ["iam-trust-requires-mfa"],
        );
        assert.deepStrictEqual(
            checkResources([passRole], { "iam-passrole-scoped": "remediate" }).map(
                (v) => v.enforcementLevel,
            ),
            ["mandatory"],
            "remediate reports as mandatory, as in the engine",
        );
    });

    it("rejects bad config with every problem listed", () => {
        assert.throws(
            () =>
                checkResources([], {
                    "iam-no-admin-grants": { breakGlassRoles: "BreakGlass", breakGlassRole: [] },
                    "iam-role-session-cap": { maxSessionSeconds: 10 },
                    nope: "mandatory",
                    all: "loud",
                } as never),
            (e: unknown) => {
                assert.ok(e instanceof PolicyConfigError);
                assert.deepStrictEqual([...e.problems].sort(), [
                    'all.enforcementLevel: must be one of advisory, mandatory, remediate, disabled, got "loud"',
                    "iam-no-admin-grants.breakGlassRole: unknown setting (known: breakGlassRoles, breakGlassPolicies, breakGlassPermissionSets, suppressions)",
                    'iam-no-admin-grants.breakGlassRoles: must be array, got string "BreakGlass"',
                    "iam-role-session-cap.maxSessionSeconds: must be >= 900",
                    "nope: no such policy in this pack (known: iam-policy-document-valid, iam-no-wildcard-principal, iam-trust-requires-mfa, iam-no-admin-grants, iam-no-admin-principals, iam-role-session-cap, iam-no-human-access-keys, iam-no-user-policies, iam-passrole-scoped, iam-no-escalation-actions, iam-assume-role-bounded, rcp-perimeter-sound, policy-document-not-checked, cloudtrail-hardened, s3-log-bucket-protected, aws-provider-allowed-accounts, audit-role-per-workload-account)",
                ]);
                return true;
            },
        );
    });

    it("rejects malformed resource lists", () => {
        assert.throws(() => checkResources({} as never), CheckInputError);
        assert.throws(
            () => checkResources([{ type: "aws:iam/role:Role", props: {} }] as never),
            /resources\[0\]\.name/,
        );
        assert.throws(
            () => checkResources([{ type: "", name: "x", props: {} }]),
            /resources\[0\]\.type/,
        );
    });

    it('turns unknown values into an advisory "can\'t run during preview", never a pass or a crash', () => {
        assert.strictEqual(UNKNOWN_STRING, ENGINE_UNKNOWN_STRING);
        const v = checkResources([
            {
                type: "aws:iam/role:Role",
                name: "r",
                props: { assumeRolePolicy: ENGINE_UNKNOWN_STRING },
            },
        ]);
        assert.deepStrictEqual(
            v.map((x) => [x.policy, x.enforcementLevel]),
            [
                ["iam-policy-document-valid", "advisory"],
                ["iam-no-wildcard-principal", "advisory"],
                ["iam-trust-requires-mfa", "advisory"],
            ],
        );
        assert.ok(
            v.every(
                (x) =>
                    x.message.includes("can't run policy") && x.message.includes("during preview"),
            ),
        );
    });

    it("runs stack policies with providers and parents", () => {
        const v = checkResources(
            [
                { type: "org-access:access:AuditRole", name: "a", urn: "urn:c", props: {} },
                {
                    type: "aws:iam/role:Role",
                    name: "a-role",
                    parent: "urn:c",
                    props: {
                        name: "SecurityAuditRole",
                        assumeRolePolicy: policyDoc(
                            allowAssume(
                                { AWS: ALICE },
                                { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                            ),
                        ),
                    },
                    provider: {
                        type: "pulumi:providers:aws",
                        name: "p",
                        props: { allowedAccountIds: [WORKLOAD] },
                    },
                },
            ],
            {
                "audit-role-per-workload-account": {
                    workloadAccountIds: [WORKLOAD, "555555555555"],
                },
            },
        );
        assert.deepStrictEqual(
            v.map((x) => [x.policy, x.resource]),
            [["audit-role-per-workload-account", "(stack)"]],
        );
        assert.ok(v[0].message.includes("555555555555"));
    });

    it("loads --policy-pack-config files and rejects bad ones", () => {
        assert.deepStrictEqual(
            loadPackConfig(
                tmp("c.json", {
                    all: "mandatory",
                    "iam-no-admin-grants": { breakGlassRoles: ["bg"] },
                }),
            ),
            { all: "mandatory", "iam-no-admin-grants": { breakGlassRoles: ["bg"] } },
        );
        assert.deepStrictEqual(loadPackConfig(tmp("empty.json", "")), {});
        assert.throws(() => loadPackConfig(tmp("bad.json", "{")), PolicyConfigError);
        assert.throws(() => loadPackConfig(tmp("arr.json", "[]")), PolicyConfigError);
        assert.throws(() => loadPackConfig("/nonexistent/config.json"), /cannot read/);
    });
});

describe("policy:check CLI", () => {
    const stackExport = {
        version: 3,
        deployment: {
            manifest: {},
            resources: [
                {
                    urn: "urn:pulumi:prod::org-access::pulumi:pulumi:Stack::org-access-prod",
                    custom: false,
                    type: "pulumi:pulumi:Stack",
                },
                {
                    urn: "urn:pulumi:prod::org-access::pulumi:providers:aws::wl",
                    custom: true,
                    id: "abc",
                    type: "pulumi:providers:aws",
                    inputs: { allowedAccountIds: JSON.stringify([WORKLOAD]) },
                },
                {
                    urn: "urn:pulumi:prod::org-access::aws:iam/role:Role::wide-open",
                    custom: true,
                    id: "wide-open",
                    type: "aws:iam/role:Role",
                    provider: "urn:pulumi:prod::org-access::pulumi:providers:aws::wl::abc",
                    parent: "urn:pulumi:prod::org-access::pulumi:pulumi:Stack::org-access-prod",
                    inputs: {
                        assumeRolePolicy: {
                            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                            plaintext: JSON.stringify(
                                JSON.stringify(policyDoc(allowAssume({ AWS: "*" }))),
                            ),
                        },
                    },
                },
            ],
        },
    };

    it("maps a stack export: names from URNs, providers, secrets, no Stack resource", () => {
        const r = readInput(stackExport).targets[0].resources;
        assert.deepStrictEqual(
            r.map((x) => [x.type, x.name]),
            [
                ["pulumi:providers:aws", "wl"],
                ["aws:iam/role:Role", "wide-open"],
            ],
        );
        assert.strictEqual(r[1].provider?.name, "wl");
        assert.deepStrictEqual(r[1].provider?.props, {
            allowedAccountIds: JSON.stringify([WORKLOAD]),
        });
        assert.strictEqual(typeof r[1].props.assumeRolePolicy, "string");
        const encrypted = readInput({
            version: 3,
            deployment: {
                resources: [
                    {
                        urn: "urn:pulumi:a::b::aws:iam/role:Role::x",
                        type: "aws:iam/role:Role",
                        inputs: {
                            assumeRolePolicy: {
                                "4dabf18193072939515e22adb298388d":
                                    "1b47061264138c4ac30d75fd1eb44270",
                                ciphertext: "xyz",
                            },
                        },
                    },
                ],
            },
        });
        assert.strictEqual(
            encrypted.targets[0].resources[0].props.assumeRolePolicy,
            ENGINE_UNKNOWN_STRING,
        );
    });

    it("--json prints the violations and exits 1 on a mandatory one", async () => {
        const r = await capture(["--json", tmp("export.json", stackExport)]);
        assert.strictEqual(r.code, 1);
        const out = JSON.parse(r.stdout) as { violations: Array<Record<string, string>> };
        assert.deepStrictEqual(
            out.violations.map((v) => [v.policy, v.resource, v.urn, v.source]),
            [
                [
                    "iam-no-wildcard-principal",
                    "wide-open",
                    "urn:pulumi:prod::org-access::aws:iam/role:Role::wide-open",
                    "inputs",
                ],
                [
                    "iam-trust-requires-mfa",
                    "wide-open",
                    "urn:pulumi:prod::org-access::aws:iam/role:Role::wide-open",
                    "inputs",
                ],
            ],
        );
        assert.deepStrictEqual(Object.keys(out.violations[0]).sort(), [
            "enforcementLevel",
            "finding",
            "message",
            "policy",
            "resource",
            "source",
            "urn",
        ]);
        // Each finding its own id, what a suppression's "findings" lists.
        for (const v of out.violations) assert.match(v.finding, /^[0-9a-f]{16}$/);
        assert.notStrictEqual(out.violations[0].finding, out.violations[1].finding);
    });

    it("checks a stack export's outputs too, says which one a violation came from, reports each once", async () => {
        const mfaTrust = JSON.stringify(
            policyDoc(
                allowAssume({ AWS: ALICE }, { Bool: { "aws:MultiFactorAuthPresent": "true" } }),
            ),
        );
        const wide = JSON.stringify(policyDoc(allowAssume({ AWS: "*" })));
        const role = (name: string, asked: string, deployed: string) => ({
            urn: `urn:pulumi:prod::org-access::aws:iam/role:Role::${name}`,
            custom: true,
            type: "aws:iam/role:Role",
            inputs: { assumeRolePolicy: asked },
            // What `pulumi refresh` read back: a trust edited in the console since the last update.
            outputs: { assumeRolePolicy: deployed, arn: `arn:aws:iam::${WORKLOAD}:role/${name}` },
        });
        const file = tmp("drift.json", {
            version: 3,
            deployment: {
                manifest: {},
                resources: [role("open", wide, wide), role("drifted", mfaTrust, wide)],
            },
        });
        const json = await capture(["--json", file]);
        assert.strictEqual(json.code, 1);
        const violations = (
            JSON.parse(json.stdout) as { violations: Array<Record<string, string>> }
        ).violations;
        assert.deepStrictEqual(
            violations.map((v) => [v.policy, v.resource, v.source]),
            [
                ["iam-no-wildcard-principal", "open", "inputs"],
                ["iam-trust-requires-mfa", "open", "inputs"],
                ["iam-no-wildcard-principal", "drifted", "outputs"],
                ["iam-trust-requires-mfa", "drifted", "outputs"],
            ],
        );
        const text = await capture([file]);
        const lines = text.stdout.split("\n").filter((l) => l.startsWith("mandatory"));
        assert.deepStrictEqual(
            lines.map((l) => [/ (open|drifted) /.exec(l)?.[1], l.endsWith("(from outputs)")]),
            [
                ["open", false],
                ["open", false],
                ["drifted", true],
                ["drifted", true],
            ],
        );
    });

    it("without --config reads the config the plan and CI use, so its break-glass roles pass", async () => {
        // The project's own config (not a stack file): the role it accepts, read from it.
        const grants = loadPackConfig(DEFAULT_POLICY_CONFIG)["iam-no-admin-grants"] as {
            breakGlassRoles?: string[];
        };
        const role = grants.breakGlassRoles?.[0];
        assert.ok(role, `${DEFAULT_POLICY_CONFIG} lists a break-glass role`);
        const input = tmp("in.json", {
            resources: [
                {
                    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    name: "break-glass-admin",
                    props: { role, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                },
            ],
        });
        const byDefault = await capture(["--json", input]);
        assert.strictEqual(byDefault.code, 0, byDefault.stdout);
        assert.deepStrictEqual(JSON.parse(byDefault.stdout).violations, []);
        // Through the real bin too, which runs the build in dist/: the file is found from there.
        const bin = child.spawnSync(
            process.execPath,
            [path.join(__dirname, "../../bin/org-access.js"), "check", "--json", input],
            { encoding: "utf8" },
        );
        assert.strictEqual(bin.status, 0, bin.stdout + bin.stderr);
        assert.deepStrictEqual(JSON.parse(bin.stdout).violations, []);
        // The same grant under the pack's defaults (an empty config) is a mandatory violation.
        const bare = await capture(["--json", "--config", tmp("empty.json", {}), input]);
        assert.strictEqual(bare.code, 1, bare.stdout);
        assert.deepStrictEqual(
            JSON.parse(bare.stdout).violations.map((v: { policy: string }) => v.policy),
            ["iam-no-admin-grants"],
        );
    });

    it("exits 0 with only advisory violations, readable by default", async () => {
        const r = await capture([tmp("in.json", { resources: [passRole] })]);
        assert.strictEqual(r.code, 0);
        assert.ok(r.stdout.includes("0 mandatory and 1 advisory"), r.stdout);
        assert.ok(r.stdout.includes("iam-passrole-scoped  deployer"), r.stdout);
    });

    it("exits 2 with a clear message and no stack trace on bad input or usage", async () => {
        const open = { assumeRolePolicy: JSON.stringify(policyDoc(allowAssume("*"))) };
        const cases: Array<[string[], string]> = [
            [[], "missing INPUT"],
            [["--bogus", "x"], "unknown option --bogus"],
            [["/nonexistent.json"], "cannot read /nonexistent.json"],
            [[tmp("bad.json", "{")], "is not valid JSON"],
            [[tmp("shape.json", { things: [] })], 'has neither "resources"'],
            [
                [tmp("res.json", { resources: [{ type: "aws:iam/role:Role" }] })],
                'resources[0]: needs "name"',
            ],
            // Shapes the old check counted as "no violations": no policy matched what it did not read.
            [
                [
                    tmp("sdk.json", {
                        resources: [{ type: "aws.iam.Role", name: "r", props: open }],
                    }),
                ],
                'resources[0] ("r"): type "aws.iam.Role" is not an engine type token, so no policy would match it (did you mean "aws:iam/role:Role"?)',
            ],
            [
                [
                    tmp("in.json", {
                        resources: [{ type: "aws:iam/role:Role", name: "r", inputs: open }],
                    }),
                ],
                'resources[0] ("r"): has "inputs", which this format does not read (rename it to "props")',
            ],
            [
                [
                    "--config",
                    tmp("cfg.json", { nope: "advisory" }),
                    tmp("ok.json", { resources: [] }),
                ],
                "no such policy",
            ],
            [["--config"], "--config needs a FILE"],
        ];
        for (const [argv, fragment] of cases) {
            const r = await capture(argv);
            assert.strictEqual(r.code, 2, `${argv.join(" ")}: ${r.stdout}${r.stderr}`);
            assert.strictEqual(r.stdout, "", argv.join(" "));
            assert.ok(r.stderr.includes(fragment), `${argv.join(" ")}: ${r.stderr}`);
            assert.ok(!/\n\s+at /.test(r.stderr), `stack trace printed: ${r.stderr}`);
        }
    });

    it('reads "-" from standard input as a stream', async () => {
        const text = JSON.stringify({ resources: [publicRole] });
        async function* chunks() {
            for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
        }
        const r = await capture(["--json", "-"], chunks());
        assert.strictEqual(r.code, 1, r.stderr);
        assert.strictEqual(
            (JSON.parse(r.stdout) as { violations: unknown[] }).violations.length,
            2,
        );
    });

    it("runs as a process with the documented exit code", () => {
        const file = tmp("in.json", { resources: [publicRole] });
        const r = child.spawnSync(process.execPath, [...TS_NODE, CHECK, "--json", file], {
            encoding: "utf8",
        });
        assert.strictEqual(r.status, 1, r.stderr);
        assert.strictEqual(
            (JSON.parse(r.stdout) as { violations: unknown[] }).violations.length,
            2,
        );
    });

    it("reads a slow pipe that another process made non-blocking, to the end", async () => {
        // A Node process that opens a pipe as process.stdin makes it non-blocking for everyone who
        // shares it (npm running the script does); killed, it cannot set it back. The check then
        // reads the same pipe, which the test fills slowly: fs.readFileSync(0) met an empty
        // non-blocking pipe there and failed with EAGAIN.
        const node = process.execPath;
        const script = [
            `{ "${node}" -e 'process.stdin; process.kill(process.pid, "SIGKILL")'; } 2>/dev/null`,
            `exec "${node}" ${TS_NODE.map((a) => `"${a}"`).join(" ")} "${CHECK}" --json -`,
        ].join("; ");
        const proc = child.spawn("/bin/sh", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => proc.on("close", resolve));
        // Leading whitespace larger than a pipe's buffer (64 KiB): the first write completes only
        // once the check is reading; then a pause with the pipe empty; then the rest, in chunks.
        const text = `${" ".repeat(256 * 1024)}${JSON.stringify({ resources: [publicRole] })}`;
        const half = 192 * 1024;
        await new Promise((resolve) => proc.stdin.write(text.slice(0, half), resolve));
        const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        await sleep(300);
        for (let i = half; i < text.length; i += 16 * 1024) {
            proc.stdin.write(text.slice(i, i + 16 * 1024));
            await sleep(30);
        }
        proc.stdin.end();
        assert.strictEqual(await exited, 1, stderr);
        assert.strictEqual((JSON.parse(stdout) as { violations: unknown[] }).violations.length, 2);
    });

    it("ends quietly, with its verdict, when its output pipe closes early (| head -1)", async () => {
        const roles = Array.from({ length: 1500 }, (_, i) => ({
            ...publicRole,
            name: `open-${i}`,
        }));
        const file = tmp("many.json", { resources: roles });
        const proc = child.spawn(process.execPath, [...TS_NODE, CHECK, file]);
        let stderr = "";
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        let first = "";
        proc.stdout.once("data", (d: Buffer) => {
            first = d.toString();
            proc.stdout.destroy();
        });
        const code = await new Promise<number | null>((resolve) => proc.on("close", resolve));
        assert.match(first, /^org-access-guard: 3000 mandatory and 0 advisory violation/);
        assert.strictEqual(stderr, "");
        assert.strictEqual(code, 1, "the exit code is still the verdict");
    });
});
