/** A small least-recently-used cache: hovers ask for the same few (id, params) over and over. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity = 64) {}

  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const v = make();
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return v;
  }
}
