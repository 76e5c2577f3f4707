/**
 * Werkzeug-style matching of PVC routes: routes match with their method, a fixed segment beats a
 * parameter at the same position, a route that allows the method beats one that does not.
 */

export interface RouteSpec<H> {
  /** The methods the route allows; HEAD comes with GET, OPTIONS with every route. */
  methods: readonly ('GET' | 'POST')[];
  /** Segments below the prefix; `:name` is a parameter (one non-empty segment). */
  path: string;
  handler: H;
}

interface Compiled<H> {
  spec: RouteSpec<H>;
  segments: { fixed: string | null; name: string }[];
}

export type RouteMatch<H> =
  | { kind: 'route'; spec: RouteSpec<H>; params: Record<string, string> }
  | { kind: 'options'; allow: string }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'not-found' };

export class Router<H> {
  private readonly routes: Compiled<H>[];

  constructor(specs: readonly RouteSpec<H>[]) {
    this.routes = specs.map((spec) => ({
      spec,
      segments:
        spec.path === ''
          ? []
          : spec.path
              .split('/')
              .map((segment) =>
                segment.startsWith(':')
                  ? { fixed: null, name: segment.slice(1) }
                  : { fixed: segment, name: '' },
              ),
    }));
  }

  match(method: string, segments: readonly string[]): RouteMatch<H> {
    const candidates: { route: Compiled<H>; params: Record<string, string> }[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route, segments);
      if (params) candidates.push({ route, params });
    }
    if (candidates.length === 0) return { kind: 'not-found' };
    const allowed = new Set<string>(['OPTIONS']);
    for (const { route } of candidates) {
      for (const routeMethod of route.spec.methods) {
        allowed.add(routeMethod);
        if (routeMethod === 'GET') allowed.add('HEAD');
      }
    }
    const allow = [...allowed].sort().join(', ');
    if (method === 'OPTIONS') return { kind: 'options', allow };
    const wanted = method === 'HEAD' ? 'GET' : method;
    const usable = candidates.filter(({ route }) =>
      (route.spec.methods as readonly string[]).includes(wanted),
    );
    if (usable.length === 0) return { kind: 'method-not-allowed', allow };
    usable.sort((a, b) => specificity(a.route, b.route));
    const best = usable[0]!;
    return { kind: 'route', spec: best.route.spec, params: best.params };
  }
}

function matchSegments<H>(route: Compiled<H>, segments: readonly string[]): Record<string, string> | null {
  if (route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i]!;
    const segment = segments[i]!;
    if (pattern.fixed !== null) {
      if (pattern.fixed !== segment) return null;
    } else {
      if (segment === '') return null;
      params[pattern.name] = segment;
    }
  }
  return params;
}

/** Negative when `a` is more specific: the first position where one is fixed and the other not. */
function specificity<H>(a: Compiled<H>, b: Compiled<H>): number {
  for (let i = 0; i < a.segments.length; i++) {
    const left = a.segments[i]!.fixed !== null;
    const right = b.segments[i]!.fixed !== null;
    if (left !== right) return left ? -1 : 1;
  }
  return 0;
}
