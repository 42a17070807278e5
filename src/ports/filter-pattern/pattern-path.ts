// JSON paths in issues: `FilterCriteria.Filters[2].Pattern.body.price[0].numeric`.

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function pathKey(path: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function pathIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}
