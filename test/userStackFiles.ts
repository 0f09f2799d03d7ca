// The guard that keeps tests off the user's stack files lives in ./userStackFilesGuard.js (plain
// JavaScript, so that child processes load it too); this is its typed face for the specs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const guard = require("./userStackFilesGuard.js") as {
    isUserStackFile(file: unknown): boolean;
    allow(delta: number): void;
};

/** Whether `file` is one of the repository's own Pulumi.<stack>.yaml files (not Pulumi.yaml). */
export const isUserStackFile = guard.isUserStackFile;

/**
 * Runs `f` with the repository's own stack files readable, in this process only: for the one
 * test that plans them.
 */
export async function readingUserStackFiles<T>(f: () => Promise<T>): Promise<T> {
    guard.allow(1);
    try {
        return await f();
    } finally {
        guard.allow(-1);
    }
}
