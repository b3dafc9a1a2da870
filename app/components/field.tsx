/** An accessible form field: a label, an optional hint, and an error tied to the input with aria-describedby. */
import type { InputHTMLAttributes } from "react";

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  hint?: string;
  error?: string | null;
}

export function Field({ name, label, hint, error, id, ...input }: FieldProps) {
  const inputId = id ?? `field-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint ? <p className="hint" id={hintId}>{hint}</p> : null}
      <input id={inputId} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {error ? <p className="error" id={errorId}>{error}</p> : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return <div className="alert error" role="alert">{message}</div>;
}

export function FormNotice({ message }: { message?: string | null }) {
  if (!message) return null;
  return <div className="alert ok" role="status">{message}</div>;
}
