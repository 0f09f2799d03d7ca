import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    IAM_KINDS,
    POLICY_TYPES,
    PolicyTypeTable,
    policyPropsOf,
    typesWith,
} from "../../policypack/model/policyTypes";
import { policyDocumentNotCheckedFor } from "../../policypack/policies/policyDocumentNotChecked";
import { RESOURCE_DOCUMENTS } from "../../policypack/policies/documents";
import { T } from "../../policypack/policies/types";
import * as update from "../../scripts/update-policy-types";
import { runResourcePolicy } from "./helpers";
import { capture } from "../helpers";

/** A minimal provider package: one resource class, its .d.ts and the inputs it uses. */
function fakeProvider(classes: Record<string, { token: string; args: string }>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "policy-types-"));
    fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ version: "99.0.0" }));
    fs.mkdirSync(path.join(root, "types"));
    fs.writeFileSync(
        path.join(root, "types", "input.d.ts"),
        [
            "export declare namespace widgets {",
            "    interface WidgetDetails {",
            "        name: pulumi.Input<string>;",
            "        policy: pulumi.Input<string>;",
            "    }",
            "}",
            "",
        ].join("\n"),
    );
    for (const [file, c] of Object.entries(classes)) {
        const cls = c.token.split(":").pop()!;
        fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
        fs.writeFileSync(
            path.join(root, `${file}.js`),
            `class ${cls} {\n    static __pulumiType = '${c.token}';\n}\n`,
        );
        fs.writeFileSync(
            path.join(root, `${file}.d.ts`),
            `export declare class ${cls} {}\nexport interface ${cls}Args {\n${c.args}\n}\n`,
        );
    }
    return root;
}

describe("the table of policy-carrying types (policypack/model/data/policy-types.json)", () => {
    it("is what update:policy-types derives from the installed @pulumi/aws (regenerate it after an upgrade)", () => {
        const derived = update.derivePolicyTypes(update.AWS_ROOT);
        assert.strictEqual(
            POLICY_TYPES.source,
            derived.source,
            "the table was generated from another @pulumi/aws: run npm run update:policy-types",
        );
        const committed = Object.keys(POLICY_TYPES.types);
        const now = Object.keys(derived.types);
        assert.deepStrictEqual(
            now.filter((t) => !committed.includes(t)),
            [],
            "types the installed provider adds: run npm run update:policy-types and classify them",
        );
        assert.deepStrictEqual(POLICY_TYPES, derived);
        // And the committed file is exactly what the generator writes.
        assert.strictEqual(fs.readFileSync(update.TABLE_FILE, "utf8"), update.renderTable(derived));
    });

    it("classifies every property it lists (no type of the installed provider is unknown)", () => {
        const unknown = Object.entries(POLICY_TYPES.types).flatMap(([t, e]) =>
            Object.entries(e.props)
                .filter(([, k]) => k === "unknown")
                .map(([p]) => `${t} ${p}`),
        );
        assert.deepStrictEqual(unknown, []);
    });

    it("holds the resource policies the issue names, and every type the pack read before", () => {
        const kinds = (t: string) => POLICY_TYPES.types[t]?.props;
        assert.deepStrictEqual(kinds("aws:dynamodb/resourcePolicy:ResourcePolicy"), {
            policy: "resource",
        });
        assert.deepStrictEqual(kinds("aws:cloudwatch/eventBusPolicy:EventBusPolicy"), {
            policy: "resource",
        });
        assert.strictEqual(
            POLICY_TYPES.types["aws:cloudwatch/eventBusPolicy:EventBusPolicy"].service,
            "events",
        );
        assert.deepStrictEqual(kinds("aws:s3/accessPoint:AccessPoint"), { policy: "resource" });
        assert.deepStrictEqual(kinds("aws:s3control/accessPointPolicy:AccessPointPolicy"), {
            policy: "resource",
        });
        assert.deepStrictEqual(
            kinds("aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy"),
            { "details.policy": "resource" },
        );
        assert.deepStrictEqual(kinds(T.Role), {
            assumeRolePolicy: "trust",
            "inlinePolicies[].policy": "identity",
        });
        assert.deepStrictEqual(
            kinds("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"),
            { inlinePolicy: "identity" },
        );
        // Settings named "policy" are listed, as granting nothing.
        assert.strictEqual(kinds(T.Queue)?.redrivePolicy, "none");
        for (const t of [
            T.BucketPolicy,
            T.Bucket,
            T.BucketV2,
            T.Key,
            T.KeyPolicy,
            T.Topic,
            T.TopicPolicy,
            T.Queue,
            T.QueuePolicy,
            T.SecretPolicy,
            T.EcrRepositoryPolicy,
            T.LogResourcePolicy,
            T.EfsFileSystemPolicy,
            T.OpenSearchDomainPolicy,
            T.BackupVaultPolicy,
        ])
            assert.ok(
                RESOURCE_DOCUMENTS.some((d) => d.type === t),
                `${t} is no longer read as a resource policy`,
            );
        assert.ok(
            RESOURCE_DOCUMENTS.length >= 60,
            `${RESOURCE_DOCUMENTS.length} resource policies`,
        );
    });

    it("reads nested paths, labelling named array elements by name", () => {
        const props = {
            assumeRolePolicy: "{}",
            inlinePolicies: [{ name: "ops", policy: "A" }, { policy: "B" }],
        };
        assert.deepStrictEqual(
            policyPropsOf(T.Role, props, IAM_KINDS).map((p) => [p.where, p.kind, p.value]),
            [
                ["assumeRolePolicy", "trust", "{}"],
                ['inlinePolicies[0] ("ops")', "identity", "A"],
                ["inlinePolicies[1].policy", "identity", "B"],
            ],
        );
        assert.deepStrictEqual(
            policyPropsOf(
                "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
                { details: { name: "m", policy: "P" } },
                IAM_KINDS,
            ).map((p) => [p.where, p.value]),
            [["details.policy", "P"]],
        );
    });

    describe("the rule (scripts/update-policy-types.ts) on a provider it has never seen", () => {
        const root = fakeProvider({
            "widgets/widgetPolicy": {
                token: "aws:widgets/widgetPolicy:WidgetPolicy",
                args: [
                    "    /** The policy. */",
                    "    policy: pulumi.Input<string>;",
                    "    widgetArn: pulumi.Input<string>;",
                ].join("\n"),
            },
            "widgets/gadget": {
                token: "aws:widgets/gadget:Gadget",
                args: [
                    "    accessPolicies?: pulumi.Input<string | inputs.widgets.PolicyDocument | undefined>;",
                    "    details?: pulumi.Input<inputs.widgets.WidgetDetails | undefined>;",
                    "    policyArns?: pulumi.Input<pulumi.Input<string>[] | undefined>;",
                    "    retentionPolicy?: pulumi.Input<inputs.widgets.Retention | undefined>;",
                    "    forceDetachPolicies?: pulumi.Input<boolean | undefined>;",
                    "    policyName?: pulumi.Input<string | undefined>;",
                ].join("\n"),
            },
            "widgets/plain": {
                token: "aws:widgets/plain:Plain",
                args: "    name?: pulumi.Input<string | undefined>;",
            },
        });
        after(() => fs.rmSync(root, { recursive: true, force: true }));

        it("finds string policy documents, top level and one object deep, as unknown until classified", () => {
            const t = update.derivePolicyTypes(root);
            assert.strictEqual(t.source, "@pulumi/aws@99.0.0");
            assert.deepStrictEqual(t.types, {
                "aws:widgets/gadget:Gadget": {
                    service: "widgets",
                    props: { accessPolicies: "unknown", "details.policy": "unknown" },
                },
                "aws:widgets/widgetPolicy:WidgetPolicy": {
                    service: "widgets",
                    props: { policy: "unknown" },
                },
            });
        });

        it("and the pack reports a set unknown property as an advisory 'not checked', naming type and property", async () => {
            const table: PolicyTypeTable = update.derivePolicyTypes(root);
            const policy = policyDocumentNotCheckedFor(table);
            assert.strictEqual(policy.enforcementLevel, "advisory");
            const set = await runResourcePolicy(policy, "aws:widgets/widgetPolicy:WidgetPolicy", {
                policy: JSON.stringify({ Statement: [] }),
                widgetArn: "arn:aws:widgets:::w",
            });
            assert.strictEqual(set.violations.length, 1);
            assert.match(
                set.violations[0],
                /^aws:widgets\/widgetPolicy:WidgetPolicy policy is not checked: .*has not classified this property yet.*update:policy-types/,
            );
            const nested = await runResourcePolicy(policy, "aws:widgets/gadget:Gadget", {
                details: { name: "d", policy: "{}" },
            });
            assert.strictEqual(nested.violations.length, 1);
            assert.match(
                nested.violations[0],
                /^aws:widgets\/gadget:Gadget details\.policy is not checked/,
            );
            const unset = await runResourcePolicy(policy, "aws:widgets/gadget:Gadget", {});
            assert.deepStrictEqual(unset.violations, []);
            assert.deepStrictEqual(typesWith(new Set(["unknown"]), table).sort(), [
                "aws:widgets/gadget:Gadget",
                "aws:widgets/widgetPolicy:WidgetPolicy",
            ]);
        });
    });

    describe("npm run update:policy-types", () => {
        it("-- --help prints its usage and writes nothing", () => {
            const before = fs.statSync(update.TABLE_FILE).mtimeMs;
            const { c, io } = capture();
            assert.strictEqual(update.main(["--help"], io), 0);
            assert.match(c.out, /^usage: npm run update:policy-types\n/);
            assert.strictEqual(fs.statSync(update.TABLE_FILE).mtimeMs, before);
        });

        it("takes no arguments (exit 2, nothing written)", () => {
            const before = fs.statSync(update.TABLE_FILE).mtimeMs;
            const { c, io } = capture();
            assert.strictEqual(update.main(["--force"], io), 2);
            assert.match(
                c.err,
                /^error: unknown option --force\nusage: npm run update:policy-types\nrun 'npm run update:policy-types -- --help' for the options\n$/,
            );
            assert.strictEqual(fs.statSync(update.TABLE_FILE).mtimeMs, before);
        });

        it("writes the table into the pack's sources, also when run from dist/", () => {
            assert.strictEqual(
                update.TABLE_FILE,
                path.join(
                    __dirname,
                    "..",
                    "..",
                    "policypack",
                    "model",
                    "data",
                    "policy-types.json",
                ),
            );
        });
    });
});
