// Colours for a person at a terminal, never for a file, a pipe, a CI log parser or --json:
//   NO_COLOR set and not empty: never (https://no-color.org);
//   FORCE_COLOR set: always, unless it is "0" or "false" (the convention Node's own tty colour
//     detection reads: https://nodejs.org/api/tty.html#writestreamgetcolordepthenv);
//   else only when the stream is a TTY and TERM is not "dumb".
// NO_COLOR wins over FORCE_COLOR: the person who set NO_COLOR asked for no colours at all.

export interface Palette {
    readonly enabled: boolean;
    readonly red: (text: string) => string;
    readonly green: (text: string) => string;
    readonly yellow: (text: string) => string;
    readonly bold: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string) => text;

const COLOURED: Palette = {
    enabled: true,
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    bold: sgr(1, 22),
};
const PLAIN: Palette = { enabled: false, red: plain, green: plain, yellow: plain, bold: plain };

/** Whether to colour what goes to `stream` (anything; a TTY has `isTTY: true`). */
export function useColour(
    stream: unknown,
    env: NodeJS.ProcessEnv = process.env,
    json = false,
): boolean {
    if (json) return false;
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
    if (env.FORCE_COLOR !== undefined) return !["0", "false"].includes(env.FORCE_COLOR);
    return (stream as { isTTY?: unknown } | null)?.isTTY === true && env.TERM !== "dumb";
}

/** The colours to write to `stream` with: escape codes, or the text as it is. */
export function paletteFor(
    stream: unknown,
    env: NodeJS.ProcessEnv = process.env,
    json = false,
): Palette {
    return useColour(stream, env, json) ? COLOURED : PLAIN;
}
