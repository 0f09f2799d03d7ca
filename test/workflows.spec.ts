import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

type Step = {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
};
type Job = {
    if?: string;
    needs?: string | string[];
    environment?: string;
    permissions?: Record<string, string>;
    strategy?: { matrix?: { stack?: string[] } };
    steps: Step[];
};
type Workflow = {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
};

const dir = path.join(__dirname, "..", ".github", "workflows");
const read = (name: string): Workflow => YAML.parse(fs.readFileSync(path.join(dir, name), "utf8"));
const text = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));

describe("GitHub workflows", () => {
    const ci = read("ci.yml");
    const preview = read("preview.yml");

    it("ci.yml runs the tests on pull requests, with read-only permissions", () => {
        assert.ok("pull_request" in ci.on);
        assert.deepStrictEqual(ci.permissions, { contents: "read" });
        const runs = Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.run));
        for (const cmd of ["npm ci", "npm run typecheck", "npm test"])
            assert.ok(runs.includes(cmd), cmd);
    });

    it("preview.yml previews every stack on pull requests with the policy pack, and comments", () => {
        const job = preview.jobs.preview;
        assert.strictEqual(job.if, "github.event_name == 'pull_request'");
        assert.deepStrictEqual(job.strategy?.matrix?.stack, ["security", "workload"]);
        const [step] = pulumiSteps(job);
        assert.deepStrictEqual(
            {
                command: step.with?.command,
                stack: step.with?.["stack-name"],
                packs: step.with?.policyPacks,
                comment: step.with?.["comment-on-pr"],
            },
            {
                command: "preview",
                stack: "${{ matrix.stack }}",
                packs: "policypack",
                comment: true,
            },
        );
    });

    it("on main, runs pulumi up for security first, then workload, each with the policy pack", () => {
        const sec = preview.jobs["up-security"];
        const wl = preview.jobs["up-workload"];
        assert.strictEqual(
            sec.if,
            "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        );
        assert.strictEqual(wl.needs, "up-security");
        assert.deepStrictEqual(
            pulumiSteps(sec).map((s) => [
                s.with?.command,
                s.with?.["stack-name"],
                s.with?.policyPacks,
            ]),
            [["up", "security", "policypack"]],
        );
        assert.deepStrictEqual(
            pulumiSteps(wl).map((s) => [
                s.with?.command,
                s.with?.["stack-name"],
                s.with?.policyPacks,
            ]),
            [["up", "workload", "policypack"]],
        );
    });

    it("gets AWS credentials only through OIDC: id-token: write and configure-aws-credentials with the CI role", () => {
        assert.strictEqual(preview.permissions?.["id-token"], "write");
        for (const [name, job] of Object.entries(preview.jobs)) {
            const aws = job.steps.filter((s) =>
                s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
            );
            assert.strictEqual(aws.length, 1, name);
            assert.strictEqual(
                aws[0].with?.["role-to-assume"],
                "${{ vars.ORG_ACCESS_CI_ROLE_ARN }}",
                name,
            );
            // The configure step must come before the Pulumi step that needs the credentials.
            assert.ok(job.steps.indexOf(aws[0]) < job.steps.indexOf(pulumiSteps(job)[0]), name);
        }
    });

    it("stores no static keys anywhere", () => {
        for (const name of ["ci.yml", "preview.yml"]) {
            const t = text(name);
            for (const banned of [
                /aws-access-key-id/i,
                /aws-secret-access-key/i,
                /AWS_ACCESS_KEY_ID/,
                /AWS_SECRET_ACCESS_KEY/,
                /AWS_SESSION_TOKEN/,
                /secrets\.AWS_/,
            ]) {
                assert.doesNotMatch(t, banned, `${name} mentions ${String(banned)}`);
            }
            const secrets = [...t.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);
            assert.deepStrictEqual(
                [...new Set(secrets)],
                name === "preview.yml" ? ["GITHUB_TOKEN"] : [],
                name,
            );
        }
    });
    it("preview and up use a pack config the offline plan wrote for that very stack", () => {
        for (const [name, job] of Object.entries(preview.jobs)) {
            for (const step of pulumiSteps(job)) {
                const config = String(step.with?.policyPackConfigs);
                const stack = String(step.with?.["stack-name"]);
                const writer = job.steps.findIndex(
                    (s) =>
                        /npm start -- --stack \$\{STACK\} --write-policy-config policy-config\.\$\{STACK\}\.json/.test(
                            s.run ?? "",
                        ) && String(s.env?.STACK) === stack,
                );
                assert.ok(writer >= 0, `${name}: no step writes the config for ${stack}`);
                assert.ok(
                    writer < job.steps.indexOf(step),
                    `${name}: the config is written after it is used`,
                );
                assert.strictEqual(
                    config,
                    stack === "${{ matrix.stack }}"
                        ? "policy-config.${{ matrix.stack }}.json"
                        : `policy-config.${stack}.json`,
                );
            }
        }
    });
});
