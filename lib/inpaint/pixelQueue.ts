// The fast marching method's narrow band: pixels ordered by arrival time T, first in first out among equal T.
// OpenCV keeps the band in a sorted linked list and inserts a pixel after every pixel with T <= its T; ties are
// common (the whole initial band has T = 0, and 1 + T repeats), and the order in which tied pixels are filled
// changes the inpainted values, so the tie rule is kept: a binary heap on (T, insertion number).
function before(time: number, order: number, otherTime: number, otherOrder: number): boolean {
  return time < otherTime || (time === otherTime && order < otherOrder);
}

export class PixelQueue {
  private times = new Float64Array(64);
  private orders = new Float64Array(64);
  private pixels = new Int32Array(64);
  private size = 0;
  private pushed = 0;

  get length(): number {
    return this.size;
  }

  push(pixel: number, time: number): void {
    if (this.size === this.pixels.length) this.grow();
    let i = this.size++;
    const order = this.pushed++;
    while (i > 0) {
      // sift up
      const parent = (i - 1) >> 1;
      if (!before(time, order, this.times[parent], this.orders[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.times[i] = time;
    this.orders[i] = order;
    this.pixels[i] = pixel;
  }

  /** The pixel with the smallest (T, insertion number); -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.pixels[0];
    const last = --this.size;
    const time = this.times[last];
    const order = this.orders[last];
    const pixel = this.pixels[last];
    let i = 0;
    for (;;) {
      // sift down
      let child = 2 * i + 1;
      if (child >= last) break;
      if (
        child + 1 < last &&
        before(this.times[child + 1], this.orders[child + 1], this.times[child], this.orders[child])
      )
        child++;
      if (!before(this.times[child], this.orders[child], time, order)) break;
      this.move(child, i);
      i = child;
    }
    this.times[i] = time;
    this.orders[i] = order;
    this.pixels[i] = pixel;
    return top;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.orders[to] = this.orders[from];
    this.pixels[to] = this.pixels[from];
  }

  private grow(): void {
    const n = this.pixels.length * 2;
    const times = new Float64Array(n);
    const orders = new Float64Array(n);
    const pixels = new Int32Array(n);
    times.set(this.times);
    orders.set(this.orders);
    pixels.set(this.pixels);
    this.times = times;
    this.orders = orders;
    this.pixels = pixels;
  }
}
