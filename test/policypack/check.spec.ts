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
import { main, resourcesFromInput, UNKNOWN_STRING } from "../../policypack/cli/check";
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

function capture(fn: () => number): { code: number; stdout: string; stderr: string } {
    const out: string[] = [];
    const err: string[] = [];
    const ow = process.stdout.write.bind(process.stdout);
    const ew = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
    try {
        return { code: fn(), stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = ow;
        process.stderr.write = ew;
    }
}

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
                    "iam-no-admin-grants.breakGlassRole: unknown setting (known: breakGlassRoles, breakGlassPolicies)",
                    'iam-no-admin-grants.breakGlassRoles: must be array, got string "BreakGlass"',
                    "iam-role-session-cap.maxSessionSeconds: must be >= 900",
                    "nope: no such policy in this pack (known: iam-policy-document-valid, iam-no-wildcard-principal, iam-trust-requires-mfa, iam-no-admin-grants, iam-role-session-cap, iam-no-human-access-keys, iam-no-user-policies, iam-passrole-scoped, iam-no-escalation-actions, cloudtrail-hardened, s3-log-bucket-protected, aws-provider-allowed-accounts, audit-role-per-workload-account)",
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
        const r = resourcesFromInput(stackExport);
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
        const encrypted = resourcesFromInput({
            deployment: {
                resources: [
                    {
                        urn: "urn:a::b::aws:iam/role:Role::x",
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
        assert.strictEqual(encrypted[0].props.assumeRolePolicy, ENGINE_UNKNOWN_STRING);
    });

    it("--json prints the violations and exits 1 on a mandatory one", () => {
        const r = capture(() => main(["--json", tmp("export.json", stackExport)]));
        assert.strictEqual(r.code, 1);
        const out = JSON.parse(r.stdout) as { violations: Array<Record<string, string>> };
        assert.deepStrictEqual(
            out.violations.map((v) => [v.policy, v.resource, v.urn]),
            [
                [
                    "iam-no-wildcard-principal",
                    "wide-open",
                    "urn:pulumi:prod::org-access::aws:iam/role:Role::wide-open",
                ],
                [
                    "iam-trust-requires-mfa",
                    "wide-open",
                    "urn:pulumi:prod::org-access::aws:iam/role:Role::wide-open",
                ],
            ],
        );
        assert.deepStrictEqual(Object.keys(out.violations[0]).sort(), [
            "enforcementLevel",
            "message",
            "policy",
            "resource",
            "urn",
        ]);
    });

    it("exits 0 with only advisory violations, readable by default", () => {
        const r = capture(() => main([tmp("in.json", { resources: [passRole] })]));
        assert.strictEqual(r.code, 0);
        assert.ok(r.stdout.includes("0 mandatory and 1 advisory"), r.stdout);
        assert.ok(r.stdout.includes("iam-passrole-scoped  deployer"), r.stdout);
    });

    it("exits 2 with a clear message and no stack trace on bad input or usage", () => {
        const cases: Array<[string[], string]> = [
            [[], "missing INPUT"],
            [["--bogus", "x"], "unknown option --bogus"],
            [["/nonexistent.json"], "cannot read /nonexistent.json"],
            [[tmp("bad.json", "{")], "is not valid JSON"],
            [[tmp("shape.json", { things: [] })], 'neither "resources" nor "deployment"'],
            [
                [tmp("res.json", { resources: [{ type: "aws:iam/role:Role" }] })],
                "resources[0].name",
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
            const r = capture(() => main(argv));
            assert.strictEqual(r.code, 2, `${argv.join(" ")}: ${r.stdout}${r.stderr}`);
            assert.ok(r.stderr.includes(fragment), `${argv.join(" ")}: ${r.stderr}`);
            assert.ok(!/\n\s+at /.test(r.stderr), `stack trace printed: ${r.stderr}`);
        }
    });

    it("runs as a process with the documented exit code", () => {
        const file = tmp("in.json", { resources: [publicRole] });
        const r = child.spawnSync(
            process.execPath,
            [
                require.resolve("ts-node/dist/bin.js"),
                "--transpile-only",
                path.join(__dirname, "../../policypack/cli/check.ts"),
                "--json",
                file,
            ],
            { encoding: "utf8" },
        );
        assert.strictEqual(r.status, 1, r.stderr);
        assert.strictEqual(
            (JSON.parse(r.stdout) as { violations: unknown[] }).violations.length,
            2,
        );
    });
});
