// Population of the 63 old provinces at the 2019 Population and Housing Census (thousands, 1 April
// 2019; Tổng cục Thống kê, "Kết quả toàn bộ Tổng điều tra dân số và nhà ở năm 2019": 96,208,984
// people). The identifier space gives every province the same serials; these weights make generated
// populations (samples, benchmarks) as many per province as Viet Nam has.
import { Weighted } from './hash.ts';

export const CENSUS_2019_THOUSANDS: Readonly<Record<string, number>> = Object.freeze({
  '01': 8054, '02': 854, '04': 530, '06': 314, '08': 785, '10': 731, '11': 599, '12': 460, '14': 1249,
  '15': 821, '17': 855, '19': 1287, '20': 782, '22': 1321, '24': 1804, '25': 1464, '26': 1152, '27': 1369,
  '30': 1893, '31': 2029, '33': 1253, '34': 1861, '35': 853, '36': 1781, '37': 983, '38': 3641, '40': 3327,
  '42': 1289, '44': 896, '45': 633, '46': 1129, '48': 1135, '49': 1496, '51': 1232, '52': 1487, '54': 873,
  '56': 1232, '58': 591, '60': 1231, '62': 541, '64': 1514, '66': 1870, '67': 622, '68': 1297, '70': 995,
  '72': 1170, '74': 2426, '75': 3097, '77': 1148, '79': 8993, '80': 1689, '82': 1765, '83': 1289, '84': 1010,
  '86': 1023, '87': 1600, '89': 1909, '91': 1724, '92': 1236, '93': 734, '94': 1200, '95': 907, '96': 1194,
}); // biome-ignore format: one table

/** Old provinces weighted by their 2019 population. */
export const CENSUS_WEIGHTED_PROVINCES = new Weighted<string>(Object.entries(CENSUS_2019_THOUSANDS));
