// The signature pad of the kiosk's NDA screen and the guest's pre-registration page: drawn with a
// finger or a mouse, or — from a keyboard — the typed name written into the pad with Enter or
// Space. A Svelte action on the pad's canvas.

const INK = '#12302f';

function pen(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the signature pad has no 2D context');
  ctx.lineWidth = 4;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  return ctx;
}

/** Wipes the pad. */
export function clearSignature(canvas: HTMLCanvasElement): void {
  pen(canvas).clearRect(0, 0, canvas.width, canvas.height);
}

export interface PadOptions {
  /** The full name typed beside the pad: what Enter writes into it. */
  name: () => string;
  /** Told once there is ink on the pad. */
  inked: () => void;
}

/** `use:signaturePad={{ name: () => name, inked: () => (inked = true) }}` on the pad's canvas. */
export function signaturePad(canvas: HTMLCanvasElement, options: PadOptions) {
  let current = options;
  let drawing = false;

  const point = (event: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
  };
  const down = (event: PointerEvent) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    const ctx = pen(canvas);
    ctx.beginPath();
    ctx.moveTo(...point(event));
  };
  const move = (event: PointerEvent) => {
    if (!drawing) return;
    const ctx = pen(canvas);
    ctx.lineTo(...point(event));
    ctx.stroke();
    current.inked();
  };
  const up = () => {
    drawing = false;
  };
  const key = (event: KeyboardEvent) => {
    const name = current.name().trim();
    if ((event.key === 'Enter' || event.key === ' ') && name) {
      event.preventDefault();
      clearSignature(canvas);
      const ctx = pen(canvas);
      ctx.font = 'italic 40px "Noto Sans", sans-serif';
      ctx.fillText(name, 24, canvas.height / 2 + 16, canvas.width - 48);
      current.inked();
    }
  };

  const listeners = [
    ['pointerdown', down],
    ['pointermove', move],
    ['pointerup', up],
    ['pointercancel', up],
    ['keydown', key],
  ] as const;
  for (const [type, listener] of listeners) canvas.addEventListener(type, listener as EventListener);
  return {
    update(next: PadOptions) {
      current = next;
    },
    destroy() {
      for (const [type, listener] of listeners) canvas.removeEventListener(type, listener as EventListener);
    },
  };
}
