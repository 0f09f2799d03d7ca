import * as assert from "assert";
import {
    ConfigError,
    rawStackValues,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../../config";
import { AWS_PROVIDER_KEYS } from "../../config/namespaces";
import { planStack } from "../../plan/run";
import { problems, rejection, SECURITY, securityValues, workloadValues } from "../helpers";

/** A stack's whole config as the engine passes it: namespaced keys, `org-access:` ones from `values`. */
function stackConfig(
    values: Record<string, unknown>,
    others: Record<string, unknown> = { "aws:region": "us-east-1" },
): Record<string, unknown> {
    return {
        ...others,
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`org-access:${k}`, v])),
    };
}

const workload = (all: Record<string, unknown>) => () =>
    validateWorkloadConfig(rawStackValues(all));

describe("config keys outside the org-access: namespace", () => {
    it("refuses a misspelt namespace, naming the key and the one it meant", () => {
        assert.deepStrictEqual(
            problems(
                workload(
                    stackConfig(workloadValues(), {
                        "aws:region": "us-east-1",
                        "org-acess:tags": { Team: "a" },
                    }),
                ),
            ),
            [
                `* org-acess:tags: is in namespace "org-acess", which nothing in this program reads (it reads org-access:*, aws:region and the engine's pulumi:*) (did you mean 'org-access:tags'? rename the key in the stack file, or remove it with: pulumi config rm 'org-acess:tags')`,
            ],
        );
    });

    it("suggests the right key when both the namespace and the key are misspelt", () => {
        const lines = problems(
            workload(
                stackConfig(workloadValues(), {
                    "aws:region": "us-east-1",
                    "org-acces:auditRol": {},
                }),
            ),
        );
        assert.strictEqual(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^\* org-acces:auditRol: .*did you mean 'org-access:auditRole'\?/);
    });

    it("refuses a key without a namespace, and never suggests a pulumi config rm org-access:that would remove the real key", () => {
        const lines = problems(
            workload(
                stackConfig(workloadValues(), { "aws:region": "us-east-1", tags: { a: "b" } }),
            ),
        );
        assert.deepStrictEqual(lines, [
            `* config: tags: has no namespace, so nothing reads it (a stack's keys are "namespace:key") (did you mean 'org-access:tags'? rename the key in the stack file)`,
        ]);
    });

    it("refuses aws:* keys: a misspelt one with did-you-mean, a real one because the explicit providers never read it", () => {
        const lines = problems(
            workload(
                stackConfig(workloadValues(), {
                    "aws:region": "us-east-1",
                    "aws:regoin": "eu-west-1",
                    "aws:profile": "admin",
                    "aws:defaultTags": { tags: { a: "b" } },
                    "aws:skipMetadataApiCheck": "true",
                }),
            ),
        );
        assert.deepStrictEqual(lines, [
            "* aws:regoin: is not a setting of the AWS provider, so nothing reads it (did you mean 'aws:region'? remove it with: pulumi config rm 'aws:regoin')",
            "* aws:profile: is ignored: every resource of this program uses an explicit provider per account, which reads no aws:* config but the aws:region the program passes it (pulumi/pulumi-aws#1307) (set AWS_PROFILE in the environment that runs pulumi instead, and remove it with: pulumi config rm 'aws:profile')",
            "* aws:defaultTags: is ignored: every resource of this program uses an explicit provider per account, which reads no aws:* config but the aws:region the program passes it (pulumi/pulumi-aws#1307) (tag resources with org-access:tags instead, and remove it with: pulumi config rm 'aws:defaultTags')",
            "* aws:skipMetadataApiCheck: is ignored: every resource of this program uses an explicit provider per account, which reads no aws:* config but the aws:region the program passes it (pulumi/pulumi-aws#1307) (remove it with: pulumi config rm 'aws:skipMetadataApiCheck')",
        ]);
    });

    it("accepts the engine's own pulumi: keys and refuses a misspelt one", () => {
        const engine = {
            "aws:region": "us-east-1",
            "pulumi:template": "aws-typescript",
            "pulumi:tags": { owner: "platform" },
            "pulumi:autonaming": { pattern: "${name}" },
            "pulumi:disable-default-providers": ["aws"],
        };
        validateWorkloadConfig(rawStackValues(stackConfig(workloadValues(), engine)));
        const lines = problems(
            workload(stackConfig(workloadValues(), { ...engine, "pulumi:tag": {} })),
        );
        assert.strictEqual(lines.length, 1, lines.join("\n"));
        assert.match(
            lines[0],
            /^\* pulumi:tag: is not a key the Pulumi engine reads .*did you mean 'pulumi:tags'\? remove it with: pulumi config rm 'pulumi:tag'/,
        );
    });

    it("reports a namespace typo together with the schema's and aws:region's problems, for the security stack too", () => {
        const lines = problems(() =>
            validateSecurityConfig(
                rawStackValues(
                    stackConfig(securityValues({ organizationId: "nope" }), {
                        "aws:region": "us-est-1",
                        "org-acess:auditors": ["carol"],
                    }),
                ),
            ),
        );
        assert.strictEqual(lines.length, 3, lines.join("\n"));
        assert.ok(lines.some((l) => l.startsWith("* aws:region: ")));
        assert.ok(
            lines.some(
                (l) =>
                    l.startsWith("* org-acess:auditors: ") &&
                    l.includes("did you mean 'org-access:auditors'"),
            ),
        );
        assert.ok(lines.some((l) => l.startsWith("* org-access:organizationId: ")));
    });

    it("is what the program itself sees: a plan of a stack with a namespace typo fails with its key", async () => {
        const config: Record<string, string> = {
            "aws:region": "us-east-1",
            "org-acess:tags": JSON.stringify({ Team: "a" }),
        };
        for (const [k, v] of Object.entries(workloadValues()))
            config[`org-access:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
        const e = await rejection(
            planStack({ stack: "workload", stackFile: { config, secretKeys: [] } }),
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, /\* org-acess:tags: .*did you mean 'org-access:tags'\?/);
        assert.ok(!e.message.includes(SECURITY), "only the bad key is reported");
    });

    it("knows exactly the AWS provider's config keys (the installed @pulumi/aws)", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const vars = require("@pulumi/aws/config/vars") as Record<string, unknown>;
        assert.deepStrictEqual([...AWS_PROVIDER_KEYS].sort(), Object.keys(vars).sort());
    });
});
