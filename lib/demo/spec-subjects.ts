// The specs' own example subjects and example links. The demo region contains these subjects, so
// the seeds' example URLs open real data (the demo's clients accept those exact old URLs).

/** Registered `sev` values of the seeds' examples (their RSA private key is not published). */
export const SEED_SEVS = {
  clinicviewExample:
    'itTbK+INTLuZji4vrvuJNQrk7SZRTF+q4xNG3pqoTjfP5NXfhIh5InU0CTjBdjYlhGIroV1sPVSvpLdwdHwtSA997SYHsyQFZ1mMgqHzNXlNP4wSz2WFXqB5RWJk48YVD4F7StEdOVi5kBb60UeX6a5HNOkfl65iBfMywoXvsMw8mAD2cfOlGdCR4RfNEM6CuN/5w6eNNQdqPcQWb6g8lZ0x3nCQTvNBFodHqS3JxCix1JTWuXSD6kIB7cWhWYBo5GtBjH6aR+Hwd5U52s73SZYyQIAhpwTrxeAmyxeULfWzfVoTohATIg4lnnZga1Dro7SIQcT4lOk/5+AgLD6tRQ==',
  clinicviewTable:
    'TDaaY2gGu2Zi4N3ZIcwZJmW8ecoU2FGrZOKUqnBkjJrKpKRuuj7Vn4fLxnVwKOx5FThu3utWSDdqMaMfFpkt9fgFOia2XOjEKriJDruLMkOfAmpQzTayZoTzXkxM/O0keRePKGVcT1365LAHmN6UhlbR/w7XpLidHgVZIpjiy9EzXhk8QrL2aYsWDXYp54rsUi4PM6wWnCIUDA3psz222M3yvs8pspcDmdhVy5txxDC8MxdutZzIhEYMmqXAFfccfCb0wZ0ZTpRARdGuBMJak3s6gTVf/viz7HIQFDk3Dt60bMI2AV2GeeDog9vIF833d/LZT2mGA01wp8eMr1t1JA==',
  examReportExample:
    'I7g83t8Seu9mZdZbQ8cHqrkwTmd6SxgK9kkGSwcZX46ygyTpxiZ9M1buW/krHkmenz4lS1QrxdYhk+/MPIn1nbD4/6rgdprfmciI8On7HwRYHMdLaW/lTcwO4Z8tjsMqGmsefJadSx7uxH1tQiZh5eu1N/NPwAviFFeeg5LA4oYa8MllTyDqNE3LZavurgRKTqru4WvkynLTjMehiebTXIf7Ut4gyeqDh/q/S0FlBMWoXfEvsn9knXVx0zUEVcg3Nf7lCtDOF5JakRolbkrQd9BH0MFZsmlTvpNWCuww/Nw1I2T/WxAFhpOV8tTsbJ6VQxFCIqo2QLl7VoUo00TKsQ==',
  repeatReminderExample:
    'g9G5bdqXADHdEj7YYrJzhqzUzKNnigfKyW1inHyjIeMec+o8s9sISj34uKmO32arNJTA4hBKkAFS2xfdCMhhQhcn3DdT1c6pGTayhYWBZfLLBfabnajgoc2Ngv0+RcDSm2QB5L/zeigz2+ZafnW+ebZkQ3eqeXOobpZw0rbO7McZ5mTTUhcxiKvlhHwvbI9Pen7ErgncmYJB+3Sib9zmXt66XjnwYcn4/R42YElD9yjQS9PO08R8kMRPfKM3kezjSoZjsLSg0lZpU+OS/ZhdxXpPiFRfsBRBzJVYzWh5gGaIvPS5CS8tTSXXfIT0srt0EE6mLTAY6hhWb8ZJUadwrQ==',
};

/** The specs' example subjects, so their example links resolve in the demo. */
export const SPEC_SUBJECTS = {
  /** seed 002 P1/R3 example token: org 2470, work_no 001, accession SD-53242, link dated 2021-05-05..19. */
  clinicview: { orgCode: '2470', workNo: '001', accessionNumber: 'SD-53242', performedAt: '2021-05-12T02:30:00Z' },
  /** seed 002 P2 example token: org 1, work_no 1, med_rec_no 1. */
  examReport: { orgCode: '1', workNo: '1', medRecNo: '1' },
  /** seed 002 P3 examples: this ID-card number, a head (头部) exam and a 微量元素六项 lab test. */
  repeatReminder: { idCardNo: '230101198701115283', name: '李敏', birthDate: '1987-01-11', sex: 'F' as const },
  /** seed 001 /dimage channel vector: hospital 57120003, accession 000001013, study date 2021-06-29. */
  dimage: { orgCode: '57120003', accessionNumber: '000001013', performedAt: '2021-06-29T01:20:00Z' },
  /** seed 000 savePatientExam example: SAF2313 / CS23213233 / patient XR1111 / this study UID, 2022-03-18. */
  jilin: {
    orgCode: 'SAF2313',
    accessionNumber: 'CS23213233',
    patientId: 'XR1111',
    studyInstanceUid: '1.2.840.40823.1.1.1.2.1615769992.183.852.407.8907',
    performedAt: '2022-03-18T09:00:00Z',
  },
  /** seed 002 H1 example values: this ID card, med_rec_no SD-1601013025 at 2470, performed 2019-11-01. */
  h5List: { idCardNo: '330922196309015018', orgCode: '2470', medRecNo: 'SD-1601013025', performedAt: '2019-11-01T03:00:00Z' },
  /** seed 002 H2 example values: org 2402, accession acc123. */
  h5Detail: { orgCode: '2402', accessionNumber: 'acc123' },
};

/** The seeds' example URLs, verbatim after the host (seed 002 P1/P2/P3/R3, seed 001 channel). */
export const SEED_EXAMPLE_PATHS = {
  clinicview:
    '/clinicview/index.html? source=his&start_time=2021-05-05&end_time=2021-05-19&token=R8DHV1doOCP2q3ymxuQZxI2apra5vgW2GM1XKWVsu%2fKXaetkL2MLjfw4h6mY2A%2f7JT75uZ4Q9V9Zp5xltSTIGjnnBWG%2fyImKpW8rNelp%2bqwEoupCuBbF5QC4sWL4fOVYqbJ0lX%2fTM1htLm8D4Yn694HViUGRJn%2fdaPaQeyGv%2f9DLCmdotwYE2ALctnDsf7Q49h%2bpGVHAPH0%3d&sev=itTbK%2bINTLuZji4vrvuJNQrk7SZRTF%2bq4xNG3pqoTjfP5NXfhIh5InU0CTjBdjYlhGIroV1sPVSvpLdwdHwtSA997SYHsyQFZ1mMgqHzNXlNP4wSz2WFXqB5RWJk48YVD4F7StEdOVi5kBb60UeX6a5HNOkfl65iBfMywoXvsMw8mAD2cfOlGdCR4RfNEM6CuN%2f5w6eNNQdqPcQWb6g8lZ0x3nCQTvNBFodHqS3JxCix1JTWuXSD6kIB7cWhWYBo5GtBjH6aR%2bHwd5U52s73SZYyQIAhpwTrxeAmyxeULfWzfVoTohATIg4lnnZga1Dro7SIQcT4lOk%2f5%2bAgLD6tRQ%3d%3d&timestamp=2021-05-19 00:00:00&sign=ab908f036c291be486c88a6d17aba48d',
  examReport:
    '/clinicview/exam-report.html?obs_id=&perform_org_code=&accession_number=&patient_id=&placer_order_no=&exam_type=&from=third&clinic_type=0&token=R8DHV1doOCMp7g0buzheujE%2fBsVrmvtb7VzAlOAO%2fAsIRz%2fh%2bQT%2ftErgHL35GzfuwD4%2bbOCrKJgMzsrPliBIVfHU7NkXEfkE%2bslnNkxYv4DvY6ktjgYJ1KVAk0vc%2blXoaegfJudHHx4SUfLaqaSjeWX0e%2bSUYTHQMd8g0XerpgmL5r%2bXSqO84P%2bFuEc3qX78&sev=I7g83t8Seu9mZdZbQ8cHqrkwTmd6SxgK9kkGSwcZX46ygyTpxiZ9M1buW%2fkrHkmenz4lS1QrxdYhk%2b%2fMPIn1nbD4%2f6rgdprfmciI8On7HwRYHMdLaW%2flTcwO4Z8tjsMqGmsefJadSx7uxH1tQiZh5eu1N%2fNPwAviFFeeg5LA4oYa8MllTyDqNE3LZavurgRKTqru4WvkynLTjMehiebTXIf7Ut4gyeqDh%2fq%2fS0FlBMWoXfEvsn9knXVx0zUEVcg3Nf7lCtDOF5JakRolbkrQd9BH0MFZsmlTvpNWCuww%2fNw1I2T%2fWxAFhpOV8tTsbJ6VQxFCIqo2QLl7VoUo00TKsQ%3d%3d&timestamp=2021-05-25%2016:00:00&sign=aee6746e4b91e1db72fb8e8eda3ef322',
  repeatReminderExam:
    '/clinicview/repeat-reminder.html?clinic_type=0&source=his&id_card_no=230101198701115283&exam_body_part=%E5%A4%B4%E9%83%A8230101198701115283&sev=g9G5bdqXADHdEj7YYrJzhqzUzKNnigfKyW1inHyjIeMec%2bo8s9sISj34uKmO32arNJTA4hBKkAFS2xfdCMhhQhcn3DdT1c6pGTayhYWBZfLLBfabnajgoc2Ngv0%2bRcDSm2QB5L%2fzeigz2%2bZafnW%2bebZkQ3eqeXOobpZw0rbO7McZ5mTTUhcxiKvlhHwvbI9Pen7ErgncmYJB%2b3Sib9zmXt66XjnwYcn4%2fR42YElD9yjQS9PO08R8kMRPfKM3kezjSoZjsLSg0lZpU%2bOS%2fZhdxXpPiFRfsBRBzJVYzWh5gGaIvPS5CS8tTSXXfIT0srt0EE6mLTAY6hhWb8ZJUadwrQ%3d%3d&timestamp=2021-06-17%2009:00:00&sign=2a473b73d482724f741205588957dfa0',
  repeatReminderLab:
    '/clinicview/repeat-reminder.html?clinic_type=1&source=his&id_card_no=230101198701115283&exam_item=微量元素六项&sev=g9G5bdqXADHdEj7YYrJzhqzUzKNnigfKyW1inHyjIeMec%2bo8s9sISj34uKmO32arNJTA4hBKkAFS2xfdCMhhQhcn3DdT1c6pGTayhYWBZfLLBfabnajgoc2Ngv0%2bRcDSm2QB5L%2fzeigz2%2bZafnW%2bebZkQ3eqeXOobpZw0rbO7McZ5mTTUhcxiKvlhHwvbI9Pen7ErgncmYJB%2b3Sib9zmXt66XjnwYcn4%2fR42YElD9yjQS9PO08R8kMRPfKM3kezjSoZjsLSg0lZpU%2bOS%2fZhdxXpPiFRfsBRBzJVYzWh5gGaIvPS5CS8tTSXXfIT0srt0EE6mLTAY6hhWb8ZJUadwrQ%3d%3d&timestamp=2021-06-17 09:00:00&sign=2a473b73d482724f741205588957dfa0',
  recognition:
    '/clinicview/recognition.html? source=his&start_time=2021-05-05&end_time=2021-05-19&token=R8DHV1doOCP2q3ymxuQZxI2apra5vgW2GM1XKWVsu%2fKXaetkL2MLjfw4h6mY2A%2f7JT75uZ4Q9V9Zp5xltSTIGjnnBWG%2fyImKpW8rNelp%2bqwEoupCuBbF5QC4sWL4fOVYqbJ0lX%2fTM1htLm8D4Yn694HViUGRJn%2fdaPaQeyGv%2f9DLCmdotwYE2ALctnDsf7Q49h%2bpGVHAPH0%3d&sev=itTbK%2bINTLuZji4vrvuJNQrk7SZRTF%2bq4xNG3pqoTjfP5NXfhIh5InU0CTjBdjYlhGIroV1sPVSvpLdwdHwtSA997SYHsyQFZ1mMgqHzNXlNP4wSz2WFXqB5RWJk48YVD4F7StEdOVi5kBb60UeX6a5HNOkfl65iBfMywoXvsMw8mAD2cfOlGdCR4RfNEM6CuN%2f5w6eNNQdqPcQWb6g8lZ0x3nCQTvNBFodHqS3JxCix1JTWuXSD6kIB7cWhWYBo5GtBjH6aR%2bHwd5U52s73SZYyQIAhpwTrxeAmyxeULfWzfVoTohATIg4lnnZga1Dro7SIQcT4lOk%2f5%2bAgLD6tRQ%3d%3d&timestamp=2021-05-19 00:00:00&sign=ab908f036c291be486c88a6d17aba48d',
  dimage:
    '/dimage/index.html?stm=57120003&channel=E2991AA1DD58C3430407EF61A3EB072C8B3E7E73296CD1636B90EA5E85AD054EC63155779D7ED75AF74DE0F2E1FA3EDA9ACF7CD4E3D0F88727B50F0E70C880525B82764957A96891831A5E2523E12708',
};
