/**
 * Small collection helpers shared by the foundation, the pure engines and the domain modules.
 */

/** Appends `value` to the list kept under `key` (created on first use), in place: O(1) per call. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
