import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CheckInputError, checkResources } from "../../policypack/runner";
import { readInput, UNKNOWN_STRING } from "../../policypack/cli/input";
import { suggestToken, tokenProblem } from "../../policypack/cli/tokens";
import { T } from "../../policypack/policies/types";
import { checkInput } from "../../policypack/cli/check";
import { toJson } from "../../plan/render";
import { packConfigFor, StackPlan } from "../../plan/offline";
import { toPackResource } from "../../plan/run";
import { planWorkload, PROD, workloadValues } from "../helpers";
import { allowAssume, policyDoc } from "./helpers";

/** The problems a refused input lists, one per line after the summary. */
function problemsOf(doc: unknown): string[] {
    try {
        readInput(doc);
    } catch (e) {
        assert.ok(e instanceof CheckInputError, String(e));
        const [head, ...lines] = e.message.split("\n");
        assert.match(
            head,
            /^INPUT cannot be checked as it is \(\d+ problems?\); nothing was checked:$/,
        );
        return lines.map((l) => l.replace(/^\* /, ""));
    }
    assert.fail("the input was accepted");
}

const wideOpen = JSON.stringify(policyDoc(allowAssume({ AWS: "*" })));
const stackUrn = "urn:pulumi:prod::org-access::pulumi:pulumi:Stack::org-access-prod";
const providerUrn = "urn:pulumi:prod::org-access::pulumi:providers:aws::wl";
const roleUrn = (name: string) => `urn:pulumi:prod::org-access::aws:iam/role:Role::${name}`;

/** Every `__pulumiType` of @pulumi/aws, read from its files (loading the SDK takes far longer). */
function awsTokens(): string[] {
    const out = new Set<string>();
    const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory() && e.name !== "node_modules") walk(p);
            else if (e.name.endsWith(".js")) {
                const m = /__pulumiType = ['"](aws:[^'"]+)['"]/.exec(fs.readFileSync(p, "utf8"));
                if (m) out.add(m[1]);
            }
        }
    };
    walk(path.dirname(require.resolve("@pulumi/aws/package.json")));
    return [...out];
}

describe("policy:check type tokens (policypack/cli/tokens.ts)", () => {
    it("accepts every token of @pulumi/aws, the pack's own, providers and components", () => {
        const tokens = awsTokens();
        assert.ok(tokens.length > 1000, `only ${tokens.length} tokens found`);
        for (const t of [...tokens, ...Object.values(T), "pulumi:pulumi:StackReference"])
            assert.strictEqual(tokenProblem(t), undefined, t);
        for (const t of ["org-access:access:AuditRole", "kubernetes:core/v1:Pod"])
            assert.strictEqual(tokenProblem(t), undefined, t);
    });

    it("refuses other spellings and says which token they meant", () => {
        const cases: Array<[string, string]> = [
            ["aws.iam.Role", T.Role], // the SDK's class path
            ["AWS::IAM::Role", T.Role], // CloudFormation
            ["aws_iam_role_policy", T.RolePolicy], // Terraform
            ["aws:iam:Role", T.Role],
            ["aws:iam/Role:Role", T.Role],
            ["aws:IAM/role:Role", T.Role],
            ["aws:iam/role:role", T.Role],
            ["AWS::S3::Bucket", T.Bucket],
            ["aws.organizations.Policy", T.OrganizationsPolicy],
            ["aws.Provider", T.AwsProvider],
            ["pulumi:providers:AWS", T.AwsProvider],
            ["aws.ec2.Vpc", "aws:ec2/vpc:Vpc"], // outside the pack: built by the SDK's rule
        ];
        for (const [type, meant] of cases) {
            assert.strictEqual(suggestToken(type), meant, type);
            assert.strictEqual(
                tokenProblem(type),
                `type "${type}" is not an engine type token, so no policy would match it (did you mean "${meant}"?)`,
            );
        }
        assert.match(
            tokenProblem("Role") ?? "",
            /write it as the engine does: "<package>:<module>\/<name>:<Name>"/,
        );
    });
});

describe("policy:check input (policypack/cli/input.ts)", () => {
    it("refuses what the simple format does not read, every problem at once, naming each resource", () => {
        assert.deepStrictEqual(
            problemsOf({
                resources: [
                    { type: "aws.iam.Role", name: "a", inputs: { assumeRolePolicy: wideOpen } },
                    { name: "b", props: {} },
                    { type: T.Role, props: {} },
                    { type: T.Role, name: "d", props: "x", tags: {} },
                    "e",
                ],
                extra: true,
            }),
            [
                'INPUT: has the key "extra", which policy:check does not read (known: "stack", "resources", "accounts", "evidence", "proofs", "violations", "warnings", "engine", "diff", "suppressions")',
                'resources[0] ("a"): type "aws.iam.Role" is not an engine type token, so no policy would match it (did you mean "aws:iam/role:Role"?)',
                'resources[0] ("a"): has "inputs", which this format does not read (rename it to "props")',
                'resources[1] ("b"): needs "type", a Pulumi type token such as "aws:iam/role:Role"',
                'resources[2]: needs "name", a non-empty string',
                'resources[3] ("d"): has the key "tags", which policy:check does not read (known: "type", "name", "props", "urn", "parent", "provider", "accountId", "accountName", "options")',
                'resources[3] ("d"): "props" must be an object of the resource\'s input properties',
                "resources[4]: must be an object with type, name and props",
            ],
        );
        assert.deepStrictEqual(problemsOf({ things: [] }), [
            'INPUT: has neither "resources", "stacks", "deployment" nor "steps": expected {"resources": [...]}, the output of `npx org-access plan --json`, `pulumi stack export` or `pulumi preview --json --show-sames`',
        ]);
        assert.deepStrictEqual(problemsOf([]), [
            'INPUT: must be a JSON object: expected {"resources": [...]}, the output of `npx org-access plan --json`, `pulumi stack export` or `pulumi preview --json --show-sames`',
        ]);
    });

    it("reads the plan's --json (one stack and both) with the verdicts the plan gives itself", async () => {
        const result = await planWorkload(workloadValues());
        // A broken variant: a role with a wildcard trust inside the plan, so the verdicts are not empty.
        const audit = result.resources.find((r) => r.type === T.Role && r.options.parent)!;
        result.resources.push({
            ...audit,
            name: "wide-open",
            urn: audit.urn.replace(/::[^:]+$/, "::wide-open"),
            props: { ...audit.props, name: "WideOpen", assumeRolePolicy: wideOpen },
        });
        const config = packConfigFor(result, {
            "audit-role-per-workload-account": { workloadAccountIds: [PROD] },
        });
        const planned = {
            result,
            evidence: [],
            proofs: [],
            violations: [],
            warnings: [],
            // What the plan's JSON carries about the engine run (plan/engine.ts): read, not refused.
            engine: { providers: 3, estimatedPeakMemoryMb: 1700 },
        } as unknown as StackPlan;
        const expected = checkResources(result.resources.map(toPackResource), config);
        assert.deepStrictEqual(
            expected.map((v) => [v.policy, v.resource]),
            [
                ["iam-no-wildcard-principal", "wide-open"],
                ["iam-trust-requires-mfa", "wide-open"],
            ],
        );
        const one = readInput(JSON.parse(JSON.stringify(toJson([planned]))));
        assert.strictEqual(one.format, "plan");
        assert.deepStrictEqual(checkInput(one, config), expected);
        const eu = { ...planned, result: { ...result, stack: "workload-eu" } } as StackPlan;
        const both = readInput(JSON.parse(JSON.stringify(toJson([planned, eu]))));
        assert.deepStrictEqual(checkInput(both, config), [
            ...expected.map((v) => ({ ...v, stack: "workload" })),
            ...expected.map((v) => ({ ...v, stack: "workload-eu" })),
        ]);
        assert.deepStrictEqual(
            both.targets.map((t) => t.count),
            [one.targets[0].count, one.targets[0].count],
        );
        assert.strictEqual(
            one.targets[0].count,
            result.resources.filter(
                (r) => !r.component && r.type !== "pulumi:pulumi:StackReference",
            ).length,
        );
    });

    const exported = (resources: unknown[], extra: Record<string, unknown> = {}) => ({
        version: 3,
        deployment: { manifest: {}, resources, ...extra },
    });

    it("refuses a stack export it cannot read completely", () => {
        assert.deepStrictEqual(
            problemsOf({
                version: 4,
                deployment: {
                    resources: [
                        { urn: roleUrn("a"), type: "aws.iam.Role", inputs: [] },
                        { type: T.Role, inputs: {} },
                    ],
                    pending_operations: [{ type: "creating", resource: { urn: roleUrn("c") } }],
                },
                extra: 1,
            }),
            [
                'INPUT: has the key "extra", which policy:check does not read (known: "version", "deployment")',
                "version: is 4; policy:check reads deployments of version 3 (export the stack with Pulumi CLI v3)",
                `deployment.pending_operations: 1 interrupted operation(s) (creating ${roleUrn("c")}): their resources may exist but are not in the export (resolve them with \`pulumi refresh\`, then export again)`,
                `deployment.resources[0] ("a", ${roleUrn("a")}): type "aws.iam.Role" is not an engine type token, so no policy would match it (did you mean "aws:iam/role:Role"?)`,
                `deployment.resources[0] ("a", ${roleUrn("a")}): "inputs" must be an object of properties`,
                'deployment.resources[1]: needs "urn", a Pulumi URN "urn:pulumi:<stack>::<project>::<type>::<name>"',
            ],
        );
    });

    it("reads a stack export's outputs as well as its inputs", () => {
        const input = readInput(
            exported([
                { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
                {
                    urn: roleUrn("drifted"),
                    custom: true,
                    type: T.Role,
                    inputs: { assumeRolePolicy: "{}" },
                    outputs: { assumeRolePolicy: wideOpen, arn: "arn:aws:iam::1:role/x" },
                },
                { urn: roleUrn("fresh"), custom: true, type: T.Role, inputs: { name: "f" } },
            ]),
        );
        assert.strictEqual(input.format, "stack export");
        const [target] = input.targets;
        assert.deepStrictEqual(
            target.resources.map((r) => [r.name, r.props]),
            [
                ["drifted", { assumeRolePolicy: "{}" }],
                ["fresh", { name: "f" }],
            ],
        );
        assert.deepStrictEqual(
            target.outputs?.map((r) => [r.name, r.props.assumeRolePolicy ?? r.props.name]),
            [
                ["drifted", wideOpen],
                ["fresh", "f"], // no outputs yet: its inputs stand
            ],
        );
    });

    it("reads a state file's latest deployment like an export", () => {
        const resource = { urn: roleUrn("a"), custom: true, type: T.Role, inputs: { name: "a" } };
        const input = readInput({
            version: 3,
            checkpoint: { stack: "prod", latest: { manifest: {}, resources: [resource] } },
        });
        assert.strictEqual(input.format, "stack export");
        assert.deepStrictEqual(
            input.targets[0].resources.map((r) => [r.type, r.name, r.props]),
            [[T.Role, "a", { name: "a" }]],
        );
    });

    const previewOf = (steps: unknown[], changeSummary: unknown, extra = {}) => ({
        config: {},
        steps,
        changeSummary,
        duration: 1,
        ...extra,
    });
    const state = (name: string, inputs: Record<string, unknown>, provider?: string) => ({
        urn: roleUrn(name),
        custom: true,
        type: T.Role,
        inputs,
        outputs: {},
        ...(provider ? { provider } : {}),
    });

    it("reads a preview's planned resources: not the deleted ones, secrets unknown", () => {
        const input = readInput(
            previewOf(
                [
                    {
                        op: "same",
                        urn: stackUrn,
                        newState: { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
                    },
                    {
                        op: "create",
                        urn: providerUrn,
                        newState: {
                            urn: providerUrn,
                            custom: true,
                            type: T.AwsProvider,
                            inputs: { allowedAccountIds: '["333333333333"]' },
                        },
                    },
                    {
                        op: "update",
                        urn: roleUrn("open"),
                        oldState: state("open", {}),
                        newState: state(
                            "open",
                            { assumeRolePolicy: wideOpen },
                            `${providerUrn}::${UNKNOWN_STRING}`,
                        ),
                    },
                    {
                        op: "delete",
                        urn: roleUrn("gone"),
                        oldState: state("gone", { assumeRolePolicy: wideOpen }),
                    },
                    {
                        op: "create",
                        urn: roleUrn("secret"),
                        newState: state("secret", { assumeRolePolicy: "[secret]" }),
                    },
                ],
                { same: 1, create: 2, update: 1, delete: 1 },
            ),
        );
        assert.strictEqual(input.format, "preview");
        const [target] = input.targets;
        assert.deepStrictEqual(
            target.resources.map((r) => [r.name, r.provider?.name]),
            [
                ["wl", undefined],
                ["open", "wl"],
                ["secret", undefined],
            ],
        );
        assert.strictEqual(target.resources[2].props.assumeRolePolicy, UNKNOWN_STRING);
        assert.strictEqual(target.outputs, undefined, "a preview's outputs are not what will be");
    });

    it("refuses a preview that does not list every resource, or failed", () => {
        assert.deepStrictEqual(
            problemsOf(
                previewOf(
                    [
                        { op: "create", urn: roleUrn("a"), newState: state("a", {}) },
                        { op: "update", urn: roleUrn("b") },
                        { op: "frobnicate", urn: roleUrn("c") },
                    ],
                    { same: 12, create: 1 },
                    {
                        diagnostics: [
                            { severity: "error", message: "boom\nmore", urn: roleUrn("a") },
                        ],
                        extra: 1,
                    },
                ),
            ),
            [
                'INPUT: has the key "extra", which policy:check does not read (known: "config", "steps", "diagnostics", "duration", "changeSummary", "maybeCorrupt")',
                "steps: list 0 of the 12 unchanged resources (run `pulumi preview --json --show-sames`)",
                "diagnostics[0]: the preview failed (boom), so it may not list every resource (fix the error, then preview again)",
                `steps[1] (${roleUrn("b")}): "update" has no newState, so what it plans cannot be read`,
                `steps[2] (${roleUrn("c")}): has the op "frobnicate", which policy:check does not know`,
            ],
        );
        assert.deepStrictEqual(problemsOf({ steps: [] }), [
            "changeSummary: is missing: the preview cannot be told complete (run `pulumi preview --json --show-sames` to the end)",
        ]);
    });
});
