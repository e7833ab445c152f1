import { describe, expect, it } from 'vitest';
import { personNameColumns, personNameCondition, PersonNameQueryError } from './person-name';

describe('personNameColumns', () => {
  it('normalises every representation group: five trimmed components, the alphabetic one lower-cased', () => {
    expect(personNameColumns({ Alphabetic: 'Zhang^XiaoDong', Ideographic: '张^小东' })).toEqual({
      patientNameAlphabetic: 'zhang^xiaodong^^^',
      patientNameIdeographic: '张^小东^^^',
      patientNamePhonetic: null,
    });
    expect(personNameColumns('Doe ^ Peter ^^Dr=^=')).toEqual({ patientNameAlphabetic: 'doe^peter^^dr^', patientNameIdeographic: null, patientNamePhonetic: null });
    expect(personNameColumns({ Alphabetic: '^^' })).toEqual({ patientNameAlphabetic: null, patientNameIdeographic: null, patientNamePhonetic: null });
    expect(personNameColumns(undefined).patientNameAlphabetic).toBeNull();
    expect(personNameColumns('a^b^c^d^e^f').patientNameAlphabetic).toBe('a^b^c^d^e f');
  });
});

describe('personNameCondition', () => {
  const values = (q: string) => personNameCondition(q)?.values;
  it('builds LIKE patterns with four literal carets, wildcards translated and LIKE characters escaped', () => {
    expect(values('Zh?ng*')).toEqual(['zh_ng%^%^%^%^%', 'Zh_ng%^%^%^%^%', 'Zh_ng%^%^%^%^%']);
    expect(values('D_e%^P*')).toEqual(['d\\_e\\%^p%^%^%^%', 'D\\_e\\%^P%^%^%^%', 'D\\_e\\%^P%^%^%^%']);
    expect(values('=张^小东')).toEqual(['张^小东^%^%^%']);
    expect(values('青松')).toEqual(['%青松%', '%青松%', '%青松%']);
  });
  it('matches everything for an empty or all-wildcard query, and refuses malformed names', () => {
    for (const q of ['', ' ', '*', '*^*', '=*=']) expect(personNameCondition(q)).toBeNull();
    expect(() => personNameCondition('a=b=c=d')).toThrow(PersonNameQueryError);
    expect(() => personNameCondition('a^b^c^d^e^f')).toThrow(PersonNameQueryError);
  });
});
