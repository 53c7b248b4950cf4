// Where there is no picture, a chat or a person is shown by the first letter of its name.

export function initial(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}
