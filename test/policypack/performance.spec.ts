/**
 * What keeps policy:check fast on many distinct documents (see docs/BENCHMARKS.md), asserted as
 * behaviour, never as time: the CLI's start-up without the engine server and @pulumi/pulumi, props
 * without unknown values handed over without the preview proxy, the document-text cache behind
 * that proxy, and the ARN parser. The figures themselves come from `npm run bench:policy`.
 */
import * as assert from "assert";
import * as child from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { documentText, parsePolicyDocument, PolicyInputError } from "../../policypack/iam";
import { parseArn } from "../../policypack/iam/arn";
import { classifyAwsPrincipal } from "../../policypack/iam/principals";
import { checkResources, engineResource, PlannedResource } from "../../policypack/runner";
import { allowAssume, policyDoc, UNKNOWN_ARRAY, UNKNOWN_STRING } from "./helpers";

const CHECK = path.join(__dirname, "../../policypack/cli/check.ts");
const TS_NODE = require.resolve("ts-node/register/transpile-only");

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "policy-perf-"));
}

describe("policy:check performance structure", () => {
    it("runs as a program without loading @pulumi/pulumi or the engine's gRPC server, and still finds violations", () => {
        const dir = tmpDir();
        const input = path.join(dir, "in.json");
        fs.writeFileSync(
            input,
            JSON.stringify({
                resources: [
                    {
                        type: "aws:iam/role:Role",
                        name: "public",
                        props: { assumeRolePolicy: JSON.stringify(policyDoc(allowAssume("*"))) },
                    },
                ],
            }),
        );
        // Preloaded into the child: lists, at exit, the modules that should not be there.
        const probe = path.join(dir, "probe.js");
        fs.writeFileSync(
            probe,
            `process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(Object.keys(require.cache).filter((k) => /[\\\\/]@pulumi[\\\\/]pulumi[\\\\/]|[\\\\/]@grpc[\\\\/]/.test(k)))));`,
        );
        const r = child.spawnSync(
            process.execPath,
            ["-r", TS_NODE, "-r", probe, CHECK, "--json", input],
            {
                encoding: "utf8",
            },
        );
        assert.strictEqual(r.status, 1, r.stderr);
        const violations = (JSON.parse(r.stdout) as { violations: { policy: string }[] })
            .violations;
        assert.ok(
            violations.some((v) => v.policy === "iam-no-wildcard-principal"),
            r.stdout,
        );
        const loaded = /LOADED (\[.*\])/.exec(r.stderr);
        assert.ok(loaded, r.stderr);
        assert.deepStrictEqual(JSON.parse(loaded[1]), []);
    });

    it("leaves the engine server alone when check.ts is imported rather than run", () => {
        // This process imported check.ts (check.spec.ts and this file's CLI import path): the
        // server module, once loaded, is @pulumi/policy's own.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("../../policypack/cli/check");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const server = require("@pulumi/policy/server") as { serve: () => unknown };
        assert.doesNotMatch(String(server.serve), /runs the pack in-process/);
    });
});

describe("runner: props and the preview proxy", () => {
    it("hands props without unknown values over as they are", () => {
        const props = { name: "r", inlinePolicies: [{ name: "a", policy: "{}" }] };
        const r = engineResource({ type: "aws:iam/role:Role", name: "r", props });
        assert.strictEqual(r.props, props);
    });

    it("keeps the proxy when an unknown value sits anywhere, however deep", () => {
        for (const props of [
            { name: UNKNOWN_STRING },
            { inlinePolicies: [{ name: "a", policy: UNKNOWN_STRING }] },
            { inlinePolicies: UNKNOWN_ARRAY },
            { a: { b: { c: [1, { d: [UNKNOWN_STRING] }] } } },
        ]) {
            const r = engineResource({ type: "aws:iam/role:Role", name: "r", props });
            assert.notStrictEqual(r.props, props);
            assert.throws(() => JSON.stringify(r.props), UnknownValueError);
        }
    });

    it("gives the same violations with unknown values as through the proxy alone", () => {
        const trust = (effect: string): PlannedResource => ({
            type: "aws:iam/role:Role",
            name: `role-${effect.length}`,
            props: {
                assumeRolePolicy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: effect, Principal: "*", Action: "sts:AssumeRole" }],
                },
            },
        });
        const known = checkResources([trust("Allow")]);
        assert.ok(known.some((v) => v.enforcementLevel === "mandatory"));
        const unknown = checkResources([trust(UNKNOWN_STRING)]);
        assert.ok(unknown.length > 0);
        for (const v of unknown) {
            assert.strictEqual(v.enforcementLevel, "advisory", v.message);
            assert.match(v.message, /can't be known during preview/);
        }
    });
});

describe("iam model: reading documents behind the preview proxy", () => {
    it("reads a proxied document's text once per object, and the same text as JSON.stringify", () => {
        const raw = policyDoc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
        const first = documentText(unknownCheckingProxy({ policy: raw }).policy);
        const again = documentText(unknownCheckingProxy({ policy: raw }).policy);
        assert.strictEqual(first, JSON.stringify(raw));
        assert.strictEqual(again, first);
    });

    it("raises UnknownValueError on every read of a proxied document holding an unknown", () => {
        const raw = { Version: "2012-10-17", Statement: [{ Effect: UNKNOWN_STRING }] };
        for (let i = 0; i < 2; i++)
            assert.throws(
                () => parsePolicyDocument(unknownCheckingProxy({ policy: raw }).policy),
                UnknownValueError,
            );
    });

    it("caches parsed documents per kind: a trust document's text read as identity fails as identity", () => {
        const text = JSON.stringify(policyDoc(allowAssume("*")));
        assert.strictEqual(parsePolicyDocument(text, "trust").statements.length, 1);
        assert.throws(() => parsePolicyDocument(text, "identity"), PolicyInputError);
        assert.strictEqual(parsePolicyDocument(text, "trust").statements.length, 1);
    });
});

describe("iam model: ARNs and principals", () => {
    it("splits an ARN into five parts, the resource keeping its colons", () => {
        assert.deepStrictEqual(parseArn("arn:aws:iam::123456789012:role/a/b"), {
            partition: "aws",
            service: "iam",
            region: "",
            account: "123456789012",
            resource: "role/a/b",
        });
        assert.deepStrictEqual(parseArn("arn:aws:logs:us-east-1:1:log-group:/x:*"), {
            partition: "aws",
            service: "logs",
            region: "us-east-1",
            account: "1",
            resource: "log-group:/x:*",
        });
        assert.strictEqual(parseArn("arn:a:b:c:d:")?.resource, "");
        for (const notArn of ["arn:aws:iam::1", "arn:", "arn", "ARN:aws:iam::1:root", "*", ""])
            assert.strictEqual(parseArn(notArn), undefined, notArn);
    });

    it("classifies a principal the same on every call, as a frozen answer", () => {
        const a = classifyAwsPrincipal("arn:aws:iam::123456789012:role/app");
        const b = classifyAwsPrincipal("arn:aws:iam::123456789012:role/app");
        assert.strictEqual(a.kind, "role");
        assert.strictEqual(a.resourceName, "app");
        assert.deepStrictEqual(b, a);
        assert.ok(Object.isFrozen(a));
    });
});
