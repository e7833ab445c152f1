import { describe, expect, it } from 'vitest';
import { parseLenientJson } from './lenient-json';

describe('lenient JSON (the specs\' own examples)', () => {
  it('reads seed 000\'s saveReminderCallRecord example: missing comma', () => {
    const body = `{
"token":"Ao232223Jusadjsadase",
"hospitalCode": "SAF2313",
"examId": "101252655601",
"retrivaType": "1"
"retrivalTime": "2022-11-14 15:05:05"
}`;
    expect(parseLenientJson(body)).toMatchObject({ hospitalCode: 'SAF2313', retrivaType: '1', retrivalTime: '2022-11-14 15:05:05' });
  });

  it('reads full-width colons and padded keys, and leaves colons inside strings alone', () => {
    const body = `{ "searchType ": "1", "checkStartTime"："2022-03-18 17:00:00"， " reportDocName ": "李**" }`;
    expect(parseLenientJson(body)).toEqual({ searchType: '1', checkStartTime: '2022-03-18 17:00:00', reportDocName: '李**' });
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseLenientJson('{"a": }')).toThrow();
    expect(() => parseLenientJson('hello')).toThrow();
  });
});
