import * as assert from "assert";
import {
    ConfigError,
    decodeValues,
    parseStackFile,
    StackFileError,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../../config";

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
    return () => {
        seed |= 0;
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const KEYS = [
    "securityAccountId",
    "workloadAccounts",
    "auditRole",
    "tags",
    "securityStack",
    "trustedPrincipals",
    "organizationId",
    "managementAccount",
    "logArchiveAccount",
    "auditors",
    "reporters",
    "trail",
    "passwordPolicy",
    "workloadStacks",
    "iamPath",
    "bogus",
];
const FIELDS = [
    "name",
    "accountId",
    "deployRoleName",
    "deployExternalId",
    "externalId",
    "arn",
    "humanArns",
    "reporters",
    "sessionSeconds",
    "managedPolicies",
    "transitionDays",
    "__proto__",
    "constructor",
];

function value(r: () => number, depth = 0): unknown {
    const k = Math.floor(r() * (depth > 2 ? 6 : 9));
    switch (k) {
        case 0:
            return null;
        case 1:
            return r() < 0.5;
        case 2:
            return Math.floor(r() * 1e13) * (r() < 0.2 ? -1 : 1);
        case 3:
            return [
                "",
                "111122223333",
                "o-abcdefghij",
                "prod",
                "*",
                "arn:aws:iam::*:root",
                "x".repeat(1300),
                "\u0000\ud800",
                "SecurityAudit",
            ][Math.floor(r() * 9)];
        case 4:
            return NaN;
        case 5:
            return "12345678901" + Math.floor(r() * 10);
        case 6:
        case 7:
            return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
        default:
            return Object.fromEntries(
                Array.from({ length: Math.floor(r() * 4) }, () => [
                    FIELDS[Math.floor(r() * FIELDS.length)],
                    value(r, depth + 1),
                ]),
            );
    }
}

function assertOnlyConfigErrors(f: () => unknown, seed: number) {
    try {
        f();
    } catch (e) {
        assert.ok(
            e instanceof ConfigError,
            `seed ${seed}: threw ${(e as Error)?.stack ?? String(e)}`,
        );
        assert.ok(e.problems.length > 0);
        for (const line of e.message.split("\n").slice(1))
            assert.match(line, /^\* (org-access:[A-Za-z]|aws:region)/, `seed ${seed}: ${line}`);
    }
}

describe("config validation under random input", () => {
    it("only ever throws a ConfigError naming keys, for 2,000 random configs of each stack", () => {
        for (let seed = 1; seed <= 2000; seed++) {
            const r = rng(seed);
            const values = Object.fromEntries(
                Array.from({ length: 1 + Math.floor(r() * 6) }, () => [
                    KEYS[Math.floor(r() * KEYS.length)],
                    value(r),
                ]),
            );
            const region = r() < 0.8 ? "us-east-1" : (value(r) as string);
            assertOnlyConfigErrors(
                () =>
                    validateWorkloadConfig({
                        values,
                        region: typeof region === "string" ? region : undefined,
                    }),
                seed,
            );
            assertOnlyConfigErrors(
                () =>
                    validateSecurityConfig({
                        values,
                        region: typeof region === "string" ? region : undefined,
                    }),
                seed,
            );
        }
    });

    it("reads random stack-file text as config or rejects it with a StackFileError", () => {
        const r = rng(7);
        const alphabet = [
            "config:",
            "\n",
            "  ",
            "org-access:",
            "a",
            ":",
            "-",
            "[",
            "]",
            "{",
            "}",
            "secure:",
            "'",
            '"',
            "1",
            "#",
            "\t",
            "&x",
            "*x",
            "!!binary",
        ];
        for (let i = 0; i < 2000; i++) {
            const text = Array.from(
                { length: Math.floor(r() * 30) },
                () => alphabet[Math.floor(r() * alphabet.length)],
            ).join("");
            try {
                decodeValues(parseStackFile(text, "fuzz.yaml").config);
            } catch (e) {
                assert.ok(
                    e instanceof StackFileError,
                    `input ${JSON.stringify(text)}: ${(e as Error)?.stack}`,
                );
            }
        }
    });
});
