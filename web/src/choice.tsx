import type { ReactNode } from 'react';

export interface Option {
  value: string;
  label: string;
}

/**
 * A labelled drop-down, the one way the app offers a choice: the label names the control (screen
 * readers and the tests find it by it); `empty` adds a "—" first option for "nothing chosen yet".
 */
export function Choice<T extends string>(props: {
  label: ReactNode;
  value: T | '';
  options: readonly Option[];
  onChange: (value: T) => void;
  empty?: boolean;
  required?: boolean;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as T)} required={props.required}>
        {props.empty && <option value="">—</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A code list as options, each named by its message (`codes.map` with the translation of each). */
export const codeOptions = (codes: readonly string[], name: (code: string) => string): Option[] =>
  codes.map((c) => ({ value: c, label: name(c) }));
