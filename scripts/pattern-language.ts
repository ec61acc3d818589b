// Compares two JSON Schema `pattern`s by the strings they accept, so that the diff can tell a widened pattern
// (compatible in a request) from a narrowed one. JSON Schema patterns are ECMA-262 regexes with the `u` flag (as Ajv
// runs them), unanchored: "abc" accepts any string containing abc. refa turns each into a finite automaton; a pattern
// with lookarounds, backreferences or anchors other than a leading ^ and a trailing $ cannot be compared this way.
import { RegExpParser } from "@eslint-community/regexpp";
import { DFA, JS, NFA } from "refa";

export type PatternComparison = "same" | "wider" | "narrower" | "different" | "undecided";

/** The automaton's size cap: past it the comparison is undecided rather than slow. */
const MAX_NODES = 20_000;

function language(pattern: string): DFA | undefined {
  try {
    const ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: true });
    let [from, to, anchoredStart, anchoredEnd] = [0, pattern.length, false, false];
    if (ast.alternatives.length === 1) {
      const elements = ast.alternatives[0].elements;
      const [first, last] = [elements[0], elements.at(-1)];
      if (first?.type === "Assertion" && first.kind === "start") [from, anchoredStart] = [first.end, true];
      if (last?.type === "Assertion" && last.kind === "end" && last !== first) [to, anchoredEnd] = [last.start, true];
    }
    const any = "[^]*";
    const source = `${anchoredStart ? "" : any}(?:${pattern.slice(from, to)})${anchoredEnd ? "" : any}`;
    const { expression, maxCharacter } = JS.Parser.fromLiteral({ source, flags: "u" }).parse();
    const factory = new DFA.LimitedNodeFactory(MAX_NODES);
    const dfa = DFA.fromFA(
      NFA.fromRegex(expression, { maxCharacter }, { assertions: "throw" }, new NFA.LimitedNodeFactory(MAX_NODES)),
      factory,
    );
    dfa.minimize();
    return dfa;
  } catch {
    return undefined;
  }
}

/** Every string `a` accepts, `b` accepts too. */
function within(a: DFA, b: DFA): boolean {
  const outsideB = b.copy();
  outsideB.complement();
  return DFA.fromIntersection(a, outsideB).isEmpty;
}

/** How the strings `after` accepts relate to those `before` accepted. */
export function comparePatterns(before: string, after: string): PatternComparison {
  const [old, now] = [language(before), language(after)];
  if (old === undefined || now === undefined) return "undecided";
  const [keeps, adds] = [within(old, now), !within(now, old)];
  if (keeps && !adds) return "same";
  if (keeps) return "wider";
  if (!adds) return "narrower";
  return "different";
}
